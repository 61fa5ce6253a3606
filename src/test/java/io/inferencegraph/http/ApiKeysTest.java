package io.inferencegraph.http;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.UnauthorizedException;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.models.Model;
import io.inferencegraph.TestGraphs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
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
@DisplayName("With http.api_keys set, the graph and /v1 take either of two keys, and /metrics its own")
class ApiKeysTest {
  private static final String KEY = "sk-graph-first-0123456789abcdef";
  private static final String ROTATED = "sk-graph-second-0123456789abcdef";
  private static final String ADMIN = "metrics-key-0123456789abcdef";
  private static final String BODY = new JsonObject().put("text", "I have an idea!")
      .put("parameters", new JsonObject().put("max_new_tokens", 4)).encode();
  private static WebClient web;
  private static int port;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    JsonObject http = new JsonObject().put("api_keys", new JsonArray().add(KEY).add(ROTATED)).put("admin_api_keys", ADMIN);
    JsonObject echo = new JsonObject().put("route", "/echo").put("input", new JsonObject().put("text", "string"))
        .put("nodes", new JsonObject().put("g", new JsonObject().put("generate", "gpt2").put("prompt", "$input.text")))
        .put("output", "$nodes.g.text");
    JsonObject overrides = new JsonObject().put("http", http).put("graphs", new JsonObject().put("echo", echo));
    port = await(TestGraphs.deploy(vertx, TestGraphs.config(overrides))).httpPort();
    web = WebClient.create(vertx);
  }

  @AfterAll
  static void stop() {
    web.close();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }

  private static HttpResponse<Buffer> send(HttpRequest<Buffer> request, String key) throws Exception {
    if (key != null) {
      request.putHeader("Authorization", "Bearer " + key);
    }
    return await(request.putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(BODY)));
  }

  private static HttpResponse<Buffer> graph(String key) throws Exception {
    return send(web.post(port, "localhost", "/classify_generated_texts"), key);
  }

  private static OpenAIClient openai(String key) {
    return OpenAIOkHttpClient.builder().baseUrl("http://localhost:" + port + "/v1").apiKey(key).maxRetries(0).build();
  }

  @Test
  @DisplayName("the graph: 401 without a key, 401 with a wrong one, 200 with either configured key")
  void graphRoute() throws Exception {
    HttpResponse<Buffer> without = graph(null);
    assertThat(without.statusCode()).isEqualTo(401);
    assertThat(without.getHeader("WWW-Authenticate")).isEqualTo("Bearer realm=\"inference-graph\"");
    assertThat(without.bodyAsJsonObject().getString("error_type")).isEqualTo("unauthorized");
    HttpResponse<Buffer> wrong = graph("sk-graph-wrong-0123456789abcdef");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.bodyAsString()).doesNotContain(KEY).doesNotContain(ROTATED);
    for (String key : List.of(KEY, ROTATED)) {
      HttpResponse<Buffer> answered = graph(key);
      assertThat(answered.statusCode()).as(answered.bodyAsString()).isEqualTo(200);
      assertThat(answered.bodyAsJsonArray()).hasSize(3);
    }
  }

  @Test
  @DisplayName("the official OpenAI client with apiKey lists and completes; with a wrong key it gets 401 unauthorized")
  void openAiClient() {
    OpenAIClient client = openai(ROTATED);
    OpenAIClient wrongKey = openai("sk-graph-wrong-0123456789abcdef");
    try {
      assertThat(client.models().list().data().stream().map(Model::id).toList())
          .containsExactly("gpt2", "distilgpt2", "gpt2-medium");
      Completion completion = client.completions().create(CompletionCreateParams.builder().model("gpt2")
          .prompt("I have an idea!").maxTokens(4).build());
      assertThat(completion.choices()).hasSize(1);
      assertThatThrownBy(() -> wrongKey.models().list()).isInstanceOfSatisfying(UnauthorizedException.class, e -> {
        assertThat(e.statusCode()).isEqualTo(401);
        assertThat(e.code()).contains("unauthorized");
      });
    } finally {
      client.close();
      wrongKey.close();
    }
  }

  @Test
  @DisplayName("/metrics is refused without its key and with an API key; with it, it counts the refusals")
  void metricsKey() throws Exception {
    graph(null);
    assertThat(await(web.get(port, "localhost", "/metrics").send()).statusCode()).isEqualTo(401);
    assertThat(await(web.get(port, "localhost", "/metrics").bearerTokenAuthentication(KEY).send()).statusCode())
        .isEqualTo(401);
    HttpResponse<Buffer> scrape = await(web.get(port, "localhost", "/metrics").bearerTokenAuthentication(ADMIN).send());
    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.bodyAsString()).contains("graph_http_refused_total{reason=\"missing_key\",scope=\"api\"}")
        .contains("graph_http_refused_total{reason=\"wrong_key\",scope=\"admin\"}")
        .doesNotContain(KEY).doesNotContain(ADMIN);
  }

  @Test
  @DisplayName("/livez and /readyz stay open")
  void probesStayOpen() throws Exception {
    assertThat(await(web.get(port, "localhost", "/livez").send()).statusCode()).isEqualTo(200);
    assertThat(await(web.get(port, "localhost", "/readyz").send()).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("a declared graph's own route takes the key too: 401 without, 200 with")
  void declaredGraphRoute() throws Exception {
    assertThat(send(web.post(port, "localhost", "/echo"), null).statusCode()).isEqualTo(401);
    assertThat(send(web.post(port, "localhost", "/echo"), ROTATED).statusCode()).isEqualTo(200);
  }
}
