package io.inferencegraph.http;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import io.inferencegraph.TestGraphs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
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
@DisplayName("/v1 behaves as OpenAI's API: its defaults, its parameter names, its error shape everywhere")
class OpenAiDoorTest {
  private static final String PROMPT = "I have an idea!";
  private static OpenAIClient openai;
  private static WebClient web;
  private static int port;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    // Configured defaults that are not OpenAI's: /v1 must not take them for what a request leaves out.
    JsonObject notOpenAi = new JsonObject().put("do_sample", false).put("temperature", 0.5).put("top_p", 0.5);
    port = await(TestGraphs.deploy(vertx, TestGraphs.config(new JsonObject().put("generation", notOpenAi))))
        .httpPort();
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

  private static HttpResponse<Buffer> post(String path, JsonObject body) throws Exception {
    return await(web.post(port, "localhost", path).putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(body.encode())));
  }

  @Test
  @DisplayName("without temperature, top_p or max_tokens a completion samples at temperature 1 for 16 tokens")
  void openAiDefaults() throws Exception {
    JsonObject completion = post("/v1/completions", new JsonObject().put("model", "distilgpt2").put("prompt", PROMPT)
        .put("seed", 7).putNull("max_tokens")).bodyAsJsonObject();
    JsonObject graphParams = new JsonObject().put("max_new_tokens", 16).put("do_sample", true)
        .put("temperature", 1.0).put("top_p", 1.0).put("top_k", 0).put("seed", 7);
    JsonArray graph = post("/classify_generated_texts", new JsonObject().put("text", PROMPT)
        .put("parameters", graphParams)).bodyAsJsonArray();
    assertThat(PROMPT + completion.getJsonArray("choices").getJsonObject(0).getString("text"))
        .isEqualTo(graph.getJsonObject(1).getString("generated"));
    assertThat(completion.getJsonObject("usage").getInteger("completion_tokens"))
        .isEqualTo(graph.getJsonObject(1).getInteger("new_tokens"));
  }

  @Test
  @DisplayName("n > 1 without temperature samples n choices")
  void severalChoicesWithoutTemperature() {
    Completion completion = openai.completions().create(CompletionCreateParams.builder().model("gpt2")
        .prompt(PROMPT).n(3).maxTokens(4).build());
    assertThat(completion.choices()).hasSize(3);
  }

  @Test
  @DisplayName("a model node's refusal names OpenAI's parameters: n and temperature, not num_return_sequences")
  void errorsNameOpenAiParameters() {
    assertThatThrownBy(() -> openai.completions().create(CompletionCreateParams.builder().model("gpt2")
        .prompt(PROMPT).n(2).temperature(0.0).maxTokens(4).build()))
        .isInstanceOfSatisfying(BadRequestException.class, e -> {
          assertThat(e.param()).contains("n");
          assertThat(e.getMessage()).contains("temperature").doesNotContain("num_return_sequences")
              .doesNotContain("do_sample");
        });
  }

  @Test
  @DisplayName("stream_options.include_usage sends a last chunk with the usage and no choices before [DONE]")
  void streamIncludesUsage() throws Exception {
    String stream = post("/v1/completions", new JsonObject().put("model", "gpt2").put("prompt", PROMPT)
        .put("max_tokens", 5).put("n", 2).put("seed", 3).put("stream", true)
        .put("stream_options", new JsonObject().put("include_usage", true))).bodyAsString();
    List<String> data = stream.lines().filter(line -> line.startsWith("data: ")).toList();
    assertThat(data.get(data.size() - 1)).isEqualTo("data: [DONE]");
    JsonObject last = new JsonObject(data.get(data.size() - 2).substring("data: ".length()));
    assertThat(last.getJsonArray("choices")).isEmpty();
    JsonObject usage = last.getJsonObject("usage");
    assertThat(usage.getInteger("prompt_tokens")).isPositive();
    assertThat(usage.getInteger("completion_tokens")).isBetween(2, 10);
    assertThat(usage.getInteger("total_tokens"))
        .isEqualTo(usage.getInteger("prompt_tokens") + usage.getInteger("completion_tokens"));
  }

  @Test
  @DisplayName("GET /v1/models/{model} is the model object; an unknown model is 404 model_not_found")
  void oneModel() {
    assertThat(openai.models().retrieve("gpt2").id()).isEqualTo("gpt2");
    assertThatThrownBy(() -> openai.models().retrieve("gpt-4"))
        .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.code()).contains("model_not_found"));
  }

  @Test
  @DisplayName("best_of equal to n is accepted; any other best_of is a 400 naming best_of")
  void bestOf() throws Exception {
    JsonObject same = new JsonObject().put("model", "gpt2").put("prompt", PROMPT).put("max_tokens", 2).put("n", 2)
        .put("best_of", 2);
    assertThat(post("/v1/completions", same).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> other = post("/v1/completions", same.copy().put("best_of", 3));
    assertThat(other.statusCode()).isEqualTo(400);
    assertThat(other.bodyAsJsonObject().getJsonObject("error").getString("param")).isEqualTo("best_of");
  }

  @Test
  @DisplayName("an unknown /v1 route, a wrong method, a body too large or not JSON: OpenAI's error shape")
  void routerErrorsInOpenAiShape() throws Exception {
    assertOpenAiError(await(web.get(port, "localhost", "/v1/nothing").send()), 404);
    assertOpenAiError(await(web.request(HttpMethod.DELETE, port, "localhost", "/v1/completions").send()), 405);
    assertOpenAiError(await(web.post(port, "localhost", "/v1/completions").putHeader("Content-Type", "text/plain")
        .sendBuffer(Buffer.buffer("{}"))), 415);
    assertOpenAiError(post("/v1/completions", new JsonObject().put("prompt", "x".repeat(70_000))), 413);
  }

  private static void assertOpenAiError(HttpResponse<Buffer> response, int status) {
    assertThat(response.statusCode()).isEqualTo(status);
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertThat(error).as("OpenAI's error object in %s", response.bodyAsString()).isNotNull();
    assertThat(error.getString("message")).isNotBlank();
    assertThat(error.getString("type")).isEqualTo("invalid_request_error");
    assertThat(error.containsKey("code")).isTrue();
  }
}
