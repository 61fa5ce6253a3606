package io.inferencegraph.http;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.BadRequestException;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import io.inferencegraph.TestGraphs;
import io.inferencegraph.model.Fixtures;
import io.inferencegraph.model.load.ModelDirectory;
import io.inferencegraph.model.load.TextTokenizer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import static io.inferencegraph.http.OpenAiDoorTest.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayName("A request over the model's context is a 400 naming the context length, never a prompt cut short")
class ContextLengthTest {
  /** n_positions and model_max_length of every decoder fixture. */
  private static final int CONTEXT = 256;
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

  /** A prompt of exactly {@code tokens} tokens for the fixtures' tokenizer. */
  private static String prompt(int tokens) {
    try (TextTokenizer tokenizer = TextTokenizer.forDecoder(new ModelDirectory(Fixtures.decoder("gpt2-tiny")))) {
      String text = "I" + " the".repeat(tokens - 1);
      assertThat(tokenizer.encode(text)).hasSize(tokens);
      return text;
    }
  }

  private static String overContext(int promptTokens, int newTokens) {
    return "This model's maximum context length is " + CONTEXT + " tokens. However, you requested "
        + (promptTokens + newTokens) + " tokens (" + promptTokens + " in the prompt, " + newTokens
        + " for the completion). Please reduce the length of the prompt or completion.";
  }

  @Test
  @DisplayName("/v1/completions: prompt plus max_tokens over the context is a 400 on max_tokens in vLLM's words")
  void completionOverContext() {
    String prompt = prompt(CONTEXT - 10);
    assertThatThrownBy(() -> openai.completions().create(CompletionCreateParams.builder().model("gpt2")
        .prompt(prompt).maxTokens(11).temperature(0.0).build()))
        .isInstanceOfSatisfying(BadRequestException.class, e -> {
          assertThat(e.param()).contains("max_tokens");
          assertThat(e.getMessage()).contains(overContext(CONTEXT - 10, 11));
        });
    Completion fits = openai.completions().create(CompletionCreateParams.builder().model("gpt2")
        .prompt(prompt).maxTokens(10).temperature(0.0).build());
    assertThat(fits.usage().orElseThrow().promptTokens()).isEqualTo(CONTEXT - 10);
  }

  @Test
  @DisplayName("/v1/completions streamed: the stream opened with a heartbeat, so the refusal is its last data line")
  void streamedCompletionOverContext() throws Exception {
    HttpResponse<Buffer> response = await(web.post(port, "localhost", "/v1/completions")
        .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(new JsonObject().put("model", "gpt2")
            .put("prompt", prompt(CONTEXT - 10)).put("max_tokens", 11).put("stream", true).encode())));
    String[] blocks = response.bodyAsString().split("\n\n");
    assertThat(blocks[0]).isEqualTo(": keep-alive");
    JsonObject error = new JsonObject(blocks[blocks.length - 1].substring("data: ".length())).getJsonObject("error");
    assertThat(error.getString("param")).isEqualTo("max_tokens");
    assertThat(error.getString("message")).endsWith("max_tokens: " + overContext(CONTEXT - 10, 11));
  }

  @Test
  @DisplayName("graph route: prompt plus max_new_tokens over the context is a 400 naming it")
  void graphMaxNewTokensOverContext() throws Exception {
    HttpResponse<Buffer> response = generate(prompt(CONTEXT - 10), new JsonObject().put("max_new_tokens", 11));
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getString("error_type")).isEqualTo("invalid_parameter");
    assertThat(response.bodyAsJsonObject().getString("error"))
        .endsWith("max_new_tokens: " + overContext(CONTEXT - 10, 11));
  }

  @Test
  @DisplayName("graph route: max_length above the context stops there; a prompt that fills the context is a 400")
  void graphMaxLengthOverContext() throws Exception {
    HttpResponse<Buffer> full = generate(prompt(CONTEXT), new JsonObject().put("max_length", CONTEXT + 40));
    assertThat(full.statusCode()).isEqualTo(400);
    assertThat(full.bodyAsJsonObject().getString("error")).contains("max_length: This model's maximum context length is "
        + CONTEXT + " tokens. However, the prompt alone has " + CONTEXT + " tokens");
    HttpResponse<Buffer> stopped = generate(prompt(CONTEXT - 3), new JsonObject().put("max_length", CONTEXT + 40)
        .put("min_new_tokens", 40).put("do_sample", false));
    assertThat(stopped.statusCode()).as(stopped.bodyAsString()).isEqualTo(200);
    JsonObject first = stopped.bodyAsJsonArray().getJsonObject(0);
    assertThat(first.getInteger("new_tokens")).isEqualTo(3);
    assertThat(first.getString("finish_reason")).isEqualTo("length");
    assertThat(first.getBoolean("prompt_truncated")).isFalse();
  }

  private static HttpResponse<Buffer> generate(String text, JsonObject parameters) throws Exception {
    return await(web.post(port, "localhost", "/classify_generated_texts").putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(new JsonObject().put("text", text).put("parameters", parameters).encode())));
  }
}
