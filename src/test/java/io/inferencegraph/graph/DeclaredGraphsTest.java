package io.inferencegraph.graph;

import io.inferencegraph.BusTraffic;
import io.inferencegraph.MainVerticle;
import io.inferencegraph.TestGraphs;
import io.inferencegraph.api.GenerationParams;
import io.inferencegraph.api.Params;
import io.inferencegraph.config.GraphConfig;
import io.inferencegraph.config.ModelConfig;
import io.inferencegraph.model.Decoding;
import io.inferencegraph.model.StepLog;
import io.inferencegraph.model.classify.Classification;
import io.inferencegraph.model.classify.TextClassifier;
import io.inferencegraph.model.generate.TextGenerator;
import io.inferencegraph.model.load.ModelOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Graphs declared in config, run over real HTTP, a real event bus and the tiny models: each answer is
 * held against the models called directly; which models ran is read from the bus traffic.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@DisplayName("Declared graphs: chains, switches, batched maps, on_error and timeouts")
class DeclaredGraphsTest {
  private static final Map<String, StepLog> steps = new ConcurrentHashMap<>();
  private static final GenerationParams GREEDY_8 = Params.of("max_new_tokens", 8, "do_sample", false);
  private static Vertx vertx;
  private static WebClient web;
  private static MainVerticle main;
  private static GraphConfig config;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    web = WebClient.create(vertx);
    config = TestGraphs.config(new JsonObject().put("graphs", graphs()));
    main = await(TestGraphs.deploy(vertx, config, (model, metrics) -> {
      StepLog log = new StepLog(metrics);
      steps.put(model, log);
      return log;
    }));
  }

  @AfterAll
  static void stop() throws Exception {
    await(vertx.close());
  }

  private static JsonObject greedy(int tokens) {
    return new JsonObject().put("max_new_tokens", tokens).put("do_sample", false);
  }

  private static JsonObject generate(String model, String prompt, JsonObject parameters) {
    return new JsonObject().put("generate", model).put("prompt", prompt).put("parameters", parameters);
  }

  private static JsonObject graph(JsonObject nodes, Object output) {
    return new JsonObject().put("input", new JsonObject().put("text", "string")).put("nodes", nodes)
        .put("output", output);
  }

  private static JsonObject graphs() {
    JsonObject mood = new JsonObject().put("classify", "bert-base-uncased").put("text", "$nodes.story.text");
    return new JsonObject()
        .put("story-mood", graph(new JsonObject()
                .put("story", generate("gpt2", "$input.text", greedy(8)))
                .put("mood", mood),
            new JsonObject().put("story", "$nodes.story.text").put("label", "$nodes.mood.label")
                .put("score", "$nodes.mood.score")).put("route", "/story-mood"))
        .put("chain", graph(new JsonObject()
                .put("story", generate("gpt2", "$input.text", greedy(6)))
                .put("title", generate("distilgpt2", "Title for: {{nodes.story.text}}", greedy(4))),
            "$nodes.title.text"))
        .put("regenerate", graph(new JsonObject()
                .put("story", generate("gpt2", "$input.text", greedy(8)))
                .put("mood", mood)
                .put("retry", generate("distilgpt2", "Something nice: {{input.text}}", greedy(8)))
                .put("final", new JsonObject()
                    .put("switch", new JsonArray().add(new JsonObject()
                        .put("when", "$nodes.mood.label == \"NEGATIVE\"").put("then", "$nodes.retry.text")))
                    .put("otherwise", "$nodes.story.text")),
            new JsonObject().put("text", "$nodes.final").put("label", "$nodes.mood.label")))
        .put("batch-map", graph(new JsonObject()
                .put("story", generate("gpt2", "$input.text", new JsonObject().put("max_new_tokens", 6)
                    .put("do_sample", true).put("seed", 5).put("num_return_sequences", 3)))
                .put("labels", new JsonObject().put("map", "$nodes.story.sequences").put("batch", true)
                    .put("apply", new JsonObject().put("classify", "bert-base-uncased").put("text", "$item.generated"))
                    .put("output", new JsonObject().put("text", "$item.generated").put("label", "$result.label")
                        .put("index", "$index"))),
            "$nodes.labels"))
        .put("on-error", graph(new JsonObject()
                .put("story", generate("gpt2", "$input.text", greedy(4)))
                .put("skipped", generate("distilgpt2", "$input.text", new JsonObject().put("max_length", 2))
                    .put("on_error", "skip"))
                .put("defaulted", generate("gpt2-medium", "$input.text", new JsonObject().put("max_length", 2))
                    .put("on_error", new JsonObject().put("default", new JsonObject().put("text", "n/a")))),
            new JsonObject().put("story", "$nodes.story.text").put("skipped", "$nodes.skipped")
                .put("defaulted", "$nodes.defaulted.text")))
        .put("fixed", graph(new JsonObject()
                .put("story", generate("gpt2", "$input.text", greedy(8)).put("request_parameters", false)),
            "$nodes.story.text"))
        .put("slow", graph(new JsonObject()
                .put("story", generate("gpt2-medium", "$input.text", greedy(40).put("min_new_tokens", 40))
                    .put("timeout_ms", 400)),
            "$nodes.story.text"));
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }

  private static HttpResponse<Buffer> post(String path, String text) throws Exception {
    return await(web.post(main.httpPort(), "localhost", path).putHeader("Content-Type", "text/plain")
        .sendBuffer(Buffer.buffer(text)));
  }

  private static Path model(String name) {
    return config.models().stream().filter(m -> m.name().equals(name)).findFirst().map(ModelConfig::path)
        .orElseThrow();
  }

  private static String generated(String model, String prompt, GenerationParams params) {
    try (TextGenerator generator = TextGenerator.load(model(model), ModelOptions.defaults())) {
      return Decoding.one(generator, prompt, config.generation().overriddenBy(params)).generatedText();
    }
  }

  private static Classification classified(String text) {
    try (TextClassifier classifier = TextClassifier.load(model("bert-base-uncased"), ModelOptions.defaults())) {
      return classifier.classify(List.of(text)).get(0);
    }
  }

  @Test
  @DisplayName("one generator then the classifier, at the graph's own route and at /graphs/NAME, as the models answer")
  void generatorThenClassifier() throws Exception {
    String story = generated("gpt2", "I have an idea!", GREEDY_8);
    Classification mood = classified(story);
    for (String path : List.of("/story-mood", "/graphs/story-mood")) {
      HttpResponse<Buffer> response = post(path, "I have an idea!");
      assertThat(response.statusCode()).as(path).isEqualTo(200);
      JsonObject answer = response.bodyAsJsonObject();
      assertThat(answer.fieldNames()).containsExactly("story", "label", "score");
      assertThat(answer.getString("story")).isEqualTo(story);
      assertThat(answer.getString("label")).isEqualTo(mood.label());
      assertThat(answer.getDouble("score")).isCloseTo(mood.score(), within(1e-6));
    }
  }

  @Test
  @DisplayName("a chain: the first model's text fills the second one's prompt template")
  void chain() throws Exception {
    String story = generated("gpt2", "Once", Params.of("max_new_tokens", 6, "do_sample", false));
    String title = generated("distilgpt2", "Title for: " + story, Params.of("max_new_tokens", 4, "do_sample", false));
    HttpResponse<Buffer> response = post("/graphs/chain", "Once");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsString()).isEqualTo(new JsonArray().add(title).encode().replaceAll("^\\[|]$", ""));
  }

  @Test
  @DisplayName("a switch regenerates with another model on NEGATIVE, and its untaken case never reaches the bus")
  void switchRegenerates() throws Exception {
    String negative = "word word word word";
    String positive = "I have an idea!";
    String negativeStory = generated("gpt2", negative, GREEDY_8);
    assertThat(classified(negativeStory).label()).as("the fixture prompt's story reads NEGATIVE").isEqualTo("NEGATIVE");
    assertThat(classified(generated("gpt2", positive, GREEDY_8)).label()).isEqualTo("POSITIVE");

    BusTraffic traffic = BusTraffic.record(vertx);
    JsonObject kept = post("/graphs/regenerate", positive).bodyAsJsonObject();
    List<String> positiveTraffic = traffic.stop();
    assertThat(kept.getString("label")).isEqualTo("POSITIVE");
    assertThat(kept.getString("text")).isEqualTo(generated("gpt2", positive, GREEDY_8));
    assertThat(positiveTraffic).as("the retry case was not taken: distilgpt2 never asked")
        .containsExactly("request graph.generate.gpt2", "reply graph.generate.gpt2",
            "request graph.classify.bert-base-uncased", "reply graph.classify.bert-base-uncased");

    traffic = BusTraffic.record(vertx);
    JsonObject regenerated = post("/graphs/regenerate", negative).bodyAsJsonObject();
    List<String> negativeTraffic = traffic.stop();
    assertThat(regenerated.getString("label")).isEqualTo("NEGATIVE");
    assertThat(regenerated.getString("text"))
        .isEqualTo(generated("distilgpt2", "Something nice: " + negative, GREEDY_8));
    assertThat(negativeTraffic).as("the retry runs only once the classifier has answered").containsSubsequence(
        "reply graph.classify.bert-base-uncased", "request graph.generate.distilgpt2", "reply graph.generate.distilgpt2");
  }

  @Test
  @DisplayName("a map with batch: true sends every item to the classifier at once: one ONNX Runtime call for all three")
  void batchedMap() throws Exception {
    StepLog classifier = steps.get("bert-base-uncased");
    int before = classifier.steps();
    HttpResponse<Buffer> response = post("/graphs/batch-map", "I have an idea!");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonArray labels = response.bodyAsJsonArray();
    assertThat(labels).hasSize(3);
    assertThat(classifier.sizes().subList(before, classifier.steps())).as("classifier steps for this request")
        .containsExactly(3);
    for (int i = 0; i < 3; i++) {
      JsonObject item = labels.getJsonObject(i);
      assertThat(item.getInteger("index")).isEqualTo(i);
      assertThat(item.getString("label")).isEqualTo(classified(item.getString("text")).label());
    }
  }

  @Test
  @DisplayName("on_error: a failed node that skips leaves null, one with a default gives it; the headers name them")
  void onError() throws Exception {
    HttpResponse<Buffer> response = post("/graphs/on-error", "I have an idea!");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject answer = response.bodyAsJsonObject();
    assertThat(answer.getString("story")).isEqualTo(generated("gpt2", "I have an idea!",
        Params.of("max_new_tokens", 4, "do_sample", false)));
    assertThat(answer.containsKey("skipped")).isTrue();
    assertThat(answer.getValue("skipped")).isNull();
    assertThat(answer.getString("defaulted")).isEqualTo("n/a");
    assertThat(response.getHeader("X-Graph-Skipped")).isEqualTo("skipped");
    assertThat(response.getHeader("X-Graph-Defaulted")).isEqualTo("defaulted");
  }

  @Test
  @DisplayName("a node past its timeout_ms fails the request with 504 while the model is held mid-step; "
      + "the model drops the expired work")
  void nodeTimeout() throws Exception {
    StepLog medium = steps.get("gpt2-medium");
    int expired = medium.expiredAt.size();
    StepLog.Hold held = medium.holdIn(2);
    Future<HttpResponse<Buffer>> pending = web.post(main.httpPort(), "localhost", "/graphs/slow")
        .putHeader("Content-Type", "text/plain").sendBuffer(Buffer.buffer("I have an idea!"));
    held.awaitReached();
    HttpResponse<Buffer> response = await(pending); // the node's 400 ms pass while its model is held
    held.release();
    assertThat(response.statusCode()).isEqualTo(504);
    assertThat(response.bodyAsJsonObject().getString("error_type")).isEqualTo("timeout");
    assertThat(response.bodyAsJsonObject().getString("error")).startsWith("generate gpt2-medium");
    medium.awaitDropped();
    assertThat(medium.expiredAt).hasSize(expired + 1);
  }

  @Test
  @DisplayName("a node with request_parameters false keeps its own parameters whatever the request sends")
  void fixedParameters() throws Exception {
    JsonObject body = new JsonObject().put("text", "I have an idea!")
        .put("parameters", new JsonObject().put("max_new_tokens", 2).put("do_sample", true));
    HttpResponse<Buffer> response = await(web.post(main.httpPort(), "localhost", "/graphs/fixed")
        .sendJsonObject(body));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsString()).isEqualTo(Json.encode(generated("gpt2", "I have an idea!", GREEDY_8)));
  }

  @Test
  @DisplayName("num_return_sequences 2: a flat answer, generator by generator, each entry with its sequence's index")
  void sequencesIndexed() throws Exception {
    JsonObject body = new JsonObject().put("text", "I have an idea!").put("parameters", new JsonObject()
        .put("max_new_tokens", 2).put("do_sample", true).put("seed", 3).put("num_return_sequences", 2));
    HttpResponse<Buffer> response = await(web.post(main.httpPort(), "localhost", "/classify_generated_texts")
        .sendJsonObject(body));
    assertThat(response.statusCode()).isEqualTo(200);
    JsonArray answer = response.bodyAsJsonArray();
    assertThat(answer.stream().map(e -> ((JsonObject) e).getString("model") + "#" + ((JsonObject) e).getInteger("index")))
        .containsExactly("gpt2#0", "gpt2#1", "distilgpt2#0", "distilgpt2#1", "gpt2-medium#0", "gpt2-medium#1");
  }

  @Test
  @DisplayName("the seed graph's entries keep today's fields in today's order")
  void seedShape() throws Exception {
    JsonArray answer = post("/classify_generated_texts", "I have an idea!").bodyAsJsonArray();
    for (Object entry : answer) {
      assertThat(((JsonObject) entry).fieldNames()).containsExactly("generated", "score", "label", "model",
          "index", "new_tokens", "finish_reason", "prompt_truncated", "timing");
      assertThat(((JsonObject) entry).getJsonObject("timing").fieldNames()).containsExactly("generate_started_us",
          "generate_ended_us", "classify_started_us", "classify_ended_us");
    }
  }
}
