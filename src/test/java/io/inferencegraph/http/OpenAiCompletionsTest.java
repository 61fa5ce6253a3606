package io.inferencegraph.http;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionChoice;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.models.Model;
import io.inferencegraph.TestGraphs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayName("The official OpenAI Java client talks to the generators through /v1")
class OpenAiCompletionsTest {
  private static final String PROMPT = "I have an idea!";
  private static OpenAIClient openai;
  private static WebClient web;
  private static int port;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    port = await(TestGraphs.deploy(vertx, TestGraphs.config(new JsonObject()))).httpPort();
    web = WebClient.create(vertx);
    openai = OpenAIOkHttpClient.builder().baseUrl("http://localhost:" + port + "/v1").apiKey("not-needed")
        .maxRetries(0).build();
  }

  @AfterAll
  static void stop() {
    openai.close();
    web.close();
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }

  private static CompletionCreateParams.Builder params(String model) {
    return CompletionCreateParams.builder().model(model).prompt(PROMPT).maxTokens(20).temperature(0.8).seed(12);
  }

  /** What the graph endpoint generates for the same parameters, per generator in order. */
  private static JsonArray graphAnswer(JsonObject parameters) throws Exception {
    String body = new JsonObject().put("text", PROMPT).put("parameters", parameters).encode();
    return await(web.post(port, "localhost", "/classify_generated_texts")
        .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body))).bodyAsJsonArray();
  }

  private static String streamed(CompletionCreateParams params) {
    StringBuilder text = new StringBuilder();
    try (StreamResponse<Completion> stream = openai.completions().createStreaming(params)) {
      stream.stream().forEach(chunk -> chunk.choices().forEach(choice -> text.append(choice.text())));
    }
    return text.toString();
  }

  @Test
  @DisplayName("models lists the generators")
  void models() {
    List<String> ids = openai.models().list().data().stream().map(Model::id).toList();
    assertThat(ids).containsExactly("gpt2", "distilgpt2", "gpt2-medium");
  }

  @Test
  @DisplayName("a sampled completion, streamed or not, is the graph's continuation for the same seed")
  void sampledEqualsTheGraph() throws Exception {
    Completion completion = openai.completions().create(params("distilgpt2").build());
    CompletionChoice choice = completion.choices().get(0);
    JsonArray graph = graphAnswer(new JsonObject().put("max_new_tokens", 20).put("do_sample", true)
        .put("temperature", 0.8).put("top_k", 0).put("seed", 12));
    assertThat(PROMPT + choice.text()).isEqualTo(graph.getJsonObject(1).getString("generated"));
    assertThat(completion.model()).isEqualTo("distilgpt2");
    assertThat(completion.usage().orElseThrow().completionTokens())
        .isEqualTo(graph.getJsonObject(1).getLong("new_tokens")).isEqualTo(20L);
    assertThat(streamed(params("distilgpt2").build())).isEqualTo(choice.text());
  }

  @Test
  @DisplayName("temperature 0 is greedy: the graph's greedy continuation, streamed or not")
  void greedyEqualsTheGraph() throws Exception {
    CompletionCreateParams greedy = params("distilgpt2").temperature(0.0).build();
    String text = openai.completions().create(greedy).choices().get(0).text();
    JsonArray graph = graphAnswer(new JsonObject().put("max_new_tokens", 20).put("do_sample", false));
    assertThat(text).isNotEmpty();
    assertThat(PROMPT + text).isEqualTo(graph.getJsonObject(1).getString("generated"));
    assertThat(streamed(greedy)).isEqualTo(text);
  }

  @Test
  @DisplayName("a stop string ends the text before it, streamed or not, with finish_reason stop")
  void stopStrings() throws Exception {
    Completion whole = openai.completions().create(params("gpt2").build());
    String full = whole.choices().get(0).text();
    assertThat(full.length()).isGreaterThan(6);
    String stop = full.substring(4, 6);
    String expected = full.substring(0, full.indexOf(stop));
    CompletionCreateParams stopped = params("gpt2").stop(stop).build();
    Completion completion = openai.completions().create(stopped);
    CompletionChoice choice = completion.choices().get(0);
    assertThat(choice.text()).isEqualTo(expected);
    assertThat(choice.finishReason()).isEqualTo(CompletionChoice.FinishReason.STOP);
    assertThat(completion.usage().orElseThrow().completionTokens()).as("only the tokens returned are counted")
        .isLessThan(whole.usage().orElseThrow().completionTokens());
    assertThat(streamed(stopped)).isEqualTo(expected);
    JsonObject graph = graphAnswer(new JsonObject().put("max_new_tokens", 20).put("do_sample", true)
        .put("temperature", 0.8).put("top_k", 0).put("seed", 12).put("stop_strings", new JsonArray().add(stop))).getJsonObject(0);
    assertThat(graph.getString("generated")).as("the graph route takes stop_strings").isEqualTo(PROMPT + expected);
    assertThat(graph.getString("finish_reason")).isEqualTo("stop");
    assertThat(graph.getLong("new_tokens")).isEqualTo(completion.usage().orElseThrow().completionTokens());
  }

  @Test
  @DisplayName("n sampled choices come back indexed")
  void severalChoices() {
    Completion completion = openai.completions().create(params("gpt2").n(3).build());
    assertThat(completion.choices()).extracting(CompletionChoice::index).containsExactly(0L, 1L, 2L);
  }

  @Test
  @DisplayName("errors come in OpenAI's shape: an unknown model is 404 model_not_found, a bad top_p names its param")
  void errors() {
    assertThatThrownBy(() -> openai.completions().create(params("gpt-4").build()))
        .isInstanceOfSatisfying(NotFoundException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(404);
          assertThat(e.code()).contains("model_not_found");
        });
    assertThatThrownBy(() -> openai.completions().create(params("gpt2").topP(1.5).build()))
        .isInstanceOfSatisfying(BadRequestException.class, e -> {
          assertThat(e.param()).contains("top_p");
          assertThat(e.type()).contains("invalid_request_error");
        });
  }

  @Test
  @DisplayName("a stream ends each choice with a chunk that carries its finish_reason, then [DONE]")
  void streamFinishesEachChoice() throws Exception {
    String body = new JsonObject().put("model", "gpt2").put("prompt", PROMPT).put("max_tokens", 5)
        .put("temperature", 0.8).put("seed", 3).put("n", 2).put("stream", true).encode();
    String stream = await(web.post(port, "localhost", "/v1/completions").putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(body))).bodyAsString();
    List<JsonObject> chunks = stream.lines().filter(line -> line.startsWith("data: {"))
        .map(line -> new JsonObject(line.substring("data: ".length()))).toList();
    for (int index = 0; index < 2; index++) {
      int choice = index;
      assertThat(chunks.stream().map(c -> c.getJsonArray("choices").getJsonObject(0))
          .filter(c -> c.getInteger("index") == choice && c.getString("finish_reason") != null))
          .as("choice %d's last chunk", choice).singleElement()
          .satisfies(c -> assertThat(c.getString("finish_reason")).isIn("length", "stop"));
    }
    assertThat(stream.strip()).endsWith("data: [DONE]");
  }
}
