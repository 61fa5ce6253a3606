package io.inferencegraph.http;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.completions.CompletionCreateParams;
import io.inferencegraph.TestGraphs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayName("/v1 samples with no top_k (OpenAI has none) unless the model's generation_config.json sets one")
class OpenAiTopKTest {
  private static final String PROMPT = "I have an idea!";
  private static final long SEED = 5;
  private static OpenAIClient openai;
  private static WebClient web;
  private static int port;

  @BeforeAll
  static void start(Vertx vertx, @TempDir Path temp) throws Exception {
    // gpt2 from a copy whose generation_config.json sets top_k 5; distilgpt2's sets none.
    Path gpt2 = TestGraphs.copyModel(Path.of("models/gpt2-tiny"), temp.resolve("gpt2-tiny"));
    Path config = gpt2.resolve("generation_config.json");
    Files.writeString(config, new JsonObject(Files.readString(config)).put("top_k", 5).encode());
    JsonObject overrides = new JsonObject().put("models", new JsonObject()
        .put("gpt2", new JsonObject().put("path", gpt2.toString())));
    port = await(TestGraphs.deploy(vertx, TestGraphs.config(overrides))).httpPort();
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

  private static String completion(String model) {
    return PROMPT + openai.completions().create(CompletionCreateParams.builder().model(model).prompt(PROMPT)
        .maxTokens(16).seed(SEED).build()).choices().get(0).text();
  }

  /** The graph route's text for {@code generator} (its place in the graph) with OpenAI's other defaults. */
  private static String graph(int generator, Integer topK) throws Exception {
    JsonObject parameters = new JsonObject().put("max_new_tokens", 16).put("do_sample", true).put("temperature", 1.0)
        .put("top_p", 1.0).put("seed", SEED);
    if (topK != null) {
      parameters.put("top_k", topK);
    }
    String body = new JsonObject().put("text", PROMPT).put("parameters", parameters).encode();
    return await(web.post(port, "localhost", "/classify_generated_texts").putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(body))).bodyAsJsonArray().getJsonObject(generator).getString("generated");
  }

  @Test
  @DisplayName("a model without top_k: the graph's text with top_k 0, not with the library's 50")
  void noTopK() throws Exception {
    String openAi = completion("distilgpt2");
    assertThat(graph(1, 50)).as("top_k 50 changes this seed's text").isNotEqualTo(graph(1, 0));
    assertThat(openAi).isEqualTo(graph(1, 0));
  }

  @Test
  @DisplayName("a model whose generation_config.json sets top_k: that top_k")
  void modelsTopK() throws Exception {
    String openAi = completion("gpt2");
    assertThat(graph(0, 0)).as("top_k 5 changes this seed's text").isNotEqualTo(graph(0, 5));
    assertThat(openAi).isEqualTo(graph(0, 5)).isEqualTo(graph(0, null));
  }
}
