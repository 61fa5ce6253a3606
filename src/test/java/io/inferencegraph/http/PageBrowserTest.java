package io.inferencegraph.http;

import io.inferencegraph.TracedGraph;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The page in Debian's headless Chromium through Selenium. Skips when Chromium is not installed,
 * unless {@code REQUIRE_BROWSER=1} (set by .ci/run), so that CI can never skip it silently.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@DisplayName("The page at / in a real browser: the graph drawn, a prompt in, answers and the graph's waterfall out")
class PageBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  // Bars are placed by percentages of the trace's duration: allow for sub-pixel rounding and the 1 px minimum width.
  private static final double PIXEL = 1.5;

  private static final boolean INSTALLED = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
  /** A second graph, beside the seed's: one generator, then the classifier on its text. */
  private static final JsonObject STORY = new JsonObject().put("route", "/story")
      .put("description", "a story from a topic, then its label")
      .put("input", new JsonObject().put("topic", "string"))
      .put("nodes", new JsonObject()
          .put("draft", new JsonObject().put("generate", "gpt2").put("prompt", "$input.topic"))
          .put("verdict", new JsonObject().put("classify", "bert-base-uncased").put("text", "$nodes.draft.text")))
      .put("output", new JsonObject().put("text", "$nodes.draft.text").put("label", "$nodes.verdict.label"));
  private static TracedGraph graph;

  @BeforeAll
  static void start() throws Exception {
    if (INSTALLED) {
      graph = new TracedGraph().start(new JsonObject().put("graphs", new JsonObject().put("story", STORY)))
          .toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (graph != null) {
      graph.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("submit a prompt: three results; three generator bars side by side, then classifier bars in a row")
  void promptToWaterfall() throws InterruptedException {
    requireBrowser();
    WebDriver driver = browser();
    try {
      driver.get("http://127.0.0.1:" + graph.port() + "/");
      awaitDrawing(driver, "classify_generated_texts");
      assertThat(driver.findElement(By.id("graph")).getDomProperty("value")).isEqualTo("classify_generated_texts");
      assertThat(drawnNodes(driver)).containsExactly("gpt2", "distilgpt2", "gpt2-medium", "scores");
      assertThat(driver.findElements(By.cssSelector("#graph-drawing path.edge")))
          .as("input to each generator, each generator to scores, scores to output").hasSize(7);
      WebElement prompt = driver.findElement(By.id("prompt"));
      prompt.clear();
      prompt.sendKeys("The graph runs in a browser");
      WebElement maxNewTokens = driver.findElement(By.name("max_new_tokens"));
      maxNewTokens.clear();
      maxNewTokens.sendKeys("160");
      recordPartialTexts(driver);
      driver.findElement(By.id("run")).click();
      awaitWaterfall(driver);

      List<WebElement> results = driver.findElements(By.cssSelector("#results tr.result"));
      assertThat(results).hasSize(3);
      assertThat(results).extracting(row -> row.findElement(By.cssSelector("td")).getText())
          .containsExactly("gpt2", "distilgpt2", "gpt2-medium");
      assertThat(driver.findElement(By.id("trace-id")).getText()).matches("trace [0-9a-f]{32}");
      List<String> finals = results.stream().map(row -> row.findElement(By.cssSelector("td.generated")).getText())
          .toList();
      @SuppressWarnings("unchecked")
      List<String> partial = (List<String>) ((JavascriptExecutor) driver).executeScript("return window.partialTexts;");
      assertThat(partial).as("the page showed a text still growing while the answer had not come")
          .anySatisfy(text -> assertThat(finals).anySatisfy(done -> {
            assertThat(done).startsWith(text.strip());
            assertThat(text.strip().length()).isGreaterThan("The graph runs in a browser".length())
                .isLessThan(done.length());
          }));

      List<double[]> generators = bars(driver, "generate-call");
      List<double[]> classifiers = bars(driver, "classify-call");
      assertThat(generators).hasSize(3);
      assertThat(classifiers).hasSize(3);
      double lastGeneratorLeft = generators.stream().mapToDouble(bar -> bar[0]).max().orElseThrow();
      double firstGeneratorRight = generators.stream().mapToDouble(bar -> bar[1]).min().orElseThrow();
      double lastGeneratorRight = generators.stream().mapToDouble(bar -> bar[1]).max().orElseThrow();
      assertThat(lastGeneratorLeft).as("the three generator bars overlap").isLessThan(firstGeneratorRight);
      assertThat(classifiers.get(0)[0]).as("the first classifier bar starts after the last generator bar")
          .isGreaterThanOrEqualTo(lastGeneratorRight - PIXEL);
      for (int i = 1; i < classifiers.size(); i++) {
        assertThat(classifiers.get(i)[0]).as("classifier bar %d starts after bar %d ends", i, i - 1)
            .isGreaterThanOrEqualTo(classifiers.get(i - 1)[1] - PIXEL);
      }
      assertThat(bars(driver, "generate-inference")).hasSize(3);
      assertThat(bars(driver, "classify-inference")).hasSize(3);
      assertThat(nodeStates(driver)).containsExactly("done", "done", "done", "done");
      saveScreenshot(driver, "page-browser-test.png");
    } finally {
      driver.quit();
    }
  }

  @Test
  @DisplayName("pick another graph: it is drawn, its input field replaces the prompt's, and it runs as a stream")
  void anotherGraph() throws InterruptedException {
    requireBrowser();
    WebDriver driver = browser();
    try {
      driver.get("http://127.0.0.1:" + graph.port() + "/");
      awaitDrawing(driver, "classify_generated_texts");
      driver.findElement(By.cssSelector("#graph option[value='story']")).click();
      awaitDrawing(driver, "story");
      assertThat(drawnNodes(driver)).containsExactly("draft", "verdict");
      assertThat(driver.findElement(By.id("graph-route")).getText()).isEqualTo("POST /story");
      assertThat(driver.findElement(By.cssSelector("#inputs label")).getText()).isEqualTo("topic (string)");
      WebElement topic = driver.findElement(By.id("prompt"));
      topic.clear();
      topic.sendKeys("A lighthouse");
      WebElement maxNewTokens = driver.findElement(By.name("max_new_tokens"));
      maxNewTokens.clear();
      maxNewTokens.sendKeys("12");
      driver.findElement(By.id("run")).click();
      awaitWaterfall(driver);

      assertThat(driver.findElement(By.id("status")).getText()).startsWith("200 in");
      assertThat(nodeStates(driver)).containsExactly("done", "done");
      String streamed = driver.findElement(By.cssSelector("#nodes .node-card[data-node='draft'] pre.tokens"))
          .getDomProperty("textContent");
      JsonObject answer = new JsonObject(driver.findElement(By.id("answer")).getDomProperty("textContent"));
      assertThat(answer.getString("text")).startsWith("A lighthouse").endsWith(streamed);
      assertThat(streamed).as("the draft node's tokens, as they streamed").isNotEmpty();
      assertThat(answer.getString("label")).isNotBlank();
      assertThat(driver.findElement(By.id("results")).isDisplayed()).as("the seed's table").isFalse();
      assertThat(bars(driver, "generate-call")).hasSize(1);
      assertThat(bars(driver, "classify-call")).hasSize(1);
      saveScreenshot(driver, "page-browser-test-story.png");
    } finally {
      driver.quit();
    }
  }

  private static void requireBrowser() {
    if (!INSTALLED && "1".equals(System.getenv("REQUIRE_BROWSER"))) {
      fail("REQUIRE_BROWSER=1 but " + CHROMIUM + " or " + CHROMEDRIVER
          + " is missing: apt-get install -y chromium chromium-driver");
    }
    assumeTrue(INSTALLED, "browser test skipped: no " + CHROMIUM + " or " + CHROMEDRIVER
        + " (apt-get install -y chromium chromium-driver; REQUIRE_BROWSER=1 makes this a failure)");
  }

  /** The names of the boxes drawn for the graph's nodes (input and output left out), in drawing order. */
  @SuppressWarnings("unchecked")
  private static List<String> drawnNodes(WebDriver driver) {
    return (List<String>) ((JavascriptExecutor) driver).executeScript(
        "return [...document.querySelectorAll('#graph-drawing g.node[data-node]')].map(g => g.dataset.node);");
  }

  /** Each drawn node's state, in drawing order. */
  @SuppressWarnings("unchecked")
  private static List<String> nodeStates(WebDriver driver) {
    return (List<String>) ((JavascriptExecutor) driver).executeScript(
        "return [...document.querySelectorAll('#graph-drawing g.node[data-node]')].map(g => g.dataset.state);");
  }

  private static void awaitDrawing(WebDriver driver, String name) throws InterruptedException {
    awaitPage(driver, "graph " + name + " drawn", () -> {
      WebElement drawing = driver.findElement(By.id("graph-drawing"));
      return "drawn".equals(drawing.getDomAttribute("data-state")) && name.equals(drawing.getDomAttribute("data-graph"))
          && driver.findElement(By.id("run")).isEnabled();
    });
  }

  /**
   * Records, at every change of the results table made before the final answer is shown, the texts
   * then on display: what a person watching would have seen while the graph ran.
   */
  private static void recordPartialTexts(WebDriver driver) {
    ((JavascriptExecutor) driver).executeScript("""
        window.partialTexts = [];
        const answer = document.querySelector('#answer');
        new MutationObserver(() => {
          if (answer.textContent === '') {
            document.querySelectorAll('#results td.generated').forEach(td => window.partialTexts.push(td.textContent));
          }
        }).observe(document.querySelector('#results tbody'), { subtree: true, childList: true, characterData: true });
        """);
  }

  /** What a person would have seen, kept in target/ for a look after the run. */
  private static void saveScreenshot(WebDriver driver, String file) {
    try {
      byte[] png = ((org.openqa.selenium.TakesScreenshot) driver).getScreenshotAs(org.openqa.selenium.OutputType.BYTES);
      java.nio.file.Files.write(Path.of("target").resolve(file), png);
    } catch (java.io.IOException | RuntimeException e) {
      System.err.println("could not save the page screenshot: " + e);
    }
  }

  private static WebDriver browser() {
    ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
        .addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1000");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    return new ChromeDriver(service, options);
  }

  private static void awaitWaterfall(WebDriver driver) throws InterruptedException {
    WebElement waterfall = driver.findElement(By.id("waterfall"));
    awaitPage(driver, "the waterfall", () -> "drawn".equals(waterfall.getDomAttribute("data-state")));
  }

  /** Looks at the page until {@code done} holds, as WebDriverWait would; fails after 90 s with the page's status. */
  private static void awaitPage(WebDriver driver, String what, java.util.function.BooleanSupplier done)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("no " + what + " after 90 s; status: " + driver.findElement(By.id("status")).getText());
      }
      Thread.sleep(100);
    }
  }

  /** [left, right] in CSS pixels of each bar with this role, in the waterfall's (start time) order. */
  @SuppressWarnings("unchecked")
  private static List<double[]> bars(WebDriver driver, String role) {
    List<List<Number>> rects = (List<List<Number>>) ((JavascriptExecutor) driver).executeScript(
        "return [...document.querySelectorAll('#waterfall .bar[data-role=\"' + arguments[0] + '\"]')]"
            + ".map(bar => { const r = bar.getBoundingClientRect(); return [r.left, r.right]; });", role);
    return rects.stream().map(r -> new double[] {r.get(0).doubleValue(), r.get(1).doubleValue()}).toList();
  }
}
