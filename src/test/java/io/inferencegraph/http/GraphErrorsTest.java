package io.inferencegraph.http;

import io.inferencegraph.MainVerticle;
import io.inferencegraph.TestGraphs;
import io.inferencegraph.config.GraphConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayName("Every bad request gets a clear JSON error with a fitting status")
class GraphErrorsTest {
  private static WebClient client;
  private static int port;

  @BeforeAll
  static void start(Vertx vertx, VertxTestContext ctx) {
    GraphConfig config = TestGraphs.config(new JsonObject().put("http", new JsonObject().put("max_body_bytes", 1024)));
    client = WebClient.create(vertx);
    TestGraphs.deploy(vertx, config).onComplete(ctx.succeeding(main -> {
      port = main.httpPort();
      ctx.completeNow();
    }));
  }

  @AfterAll
  static void stop() {
    client.close();
  }

  @ParameterizedTest(name = "{0} {1} [{2}] -> {4} {5}")
  @CsvSource(delimiter = '|', textBlock = """
      POST | /classify_generated_texts | text/plain               | ''                                   | 400 | empty_prompt
      POST | /classify_generated_texts | text/plain               | '   '                                | 400 | empty_prompt
      POST | /classify_generated_texts | text/plain               | LONG                                 | 413 | payload_too_large
      POST | /classify_generated_texts | application/xml          | <a/>                                 | 415 | unsupported_media_type
      POST | /classify_generated_texts | application/json         | {"text": "hi"                        | 400 | invalid_json
      POST | /classify_generated_texts | application/json         | {"text": 3}                          | 400 | invalid_parameter
      POST | /classify_generated_texts | application/json         | {"text": "hi", "parameters": {"temperature": -1, "do_sample": true}} | 400 | invalid_parameter
      POST | /classify_generated_texts | application/json         | {"text": "hi", "parameters": {"max_tokens": 5}} | 400 | invalid_parameter
      POST | /classify_generated_texts | application/json         | {"text": "hi", "parameters": {"max_new_tokens": 100000}} | 400 | invalid_parameter
      POST | /classify_generated_texts | application/json         | {"text": "hi", "parameters": {"max_new_tokens": 300}} | 400 | invalid_parameter
      POST | /classify_generated_texts | application/json         | {"text": "hi", "parameters": {"num_return_sequences": 2, "do_sample": false}} | 400 | invalid_parameter
      POST | /nowhere                  | text/plain               | hi                                   | 404 | not_found
      GET  | /classify_generated_texts | text/plain               | ''                                   | 405 | method_not_allowed
      """)
  void badRequest(String method, String path, String type, String body, int status, String errorType,
      VertxTestContext ctx) {
    String payload = body.equals("LONG") ? "x".repeat(5000) : body;
    client.request(HttpMethod.valueOf(method), port, "localhost", path).putHeader("Content-Type", type)
        .sendBuffer(Buffer.buffer(payload))
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertError(response, status, errorType);
          ctx.completeNow();
        })));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"temperature", "max_new_tokens"})
  @DisplayName("an invalid parameter is named in the error")
  void namesTheField(String field, VertxTestContext ctx) {
    JsonObject parameters = new JsonObject().put(field, -5).put("do_sample", true);
    client.post(port, "localhost", "/classify_generated_texts")
        .sendJsonObject(new JsonObject().put("text", "hi").put("parameters", parameters))
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertError(response, 400, "invalid_parameter");
          assertThat(response.bodyAsJsonObject().getString("error")).contains(field);
          ctx.completeNow();
        })));
  }

  static void assertError(HttpResponse<Buffer> response, int status, String errorType) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).startsWith("application/json");
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getString("error_type")).isEqualTo(errorType);
    assertThat(body.getString("error")).isNotBlank();
  }

  static Future<HttpResponse<Buffer>> postText(WebClient client, int port, String text) {
    return client.post(port, "localhost", "/classify_generated_texts").putHeader("Content-Type", "text/plain")
        .sendBuffer(Buffer.buffer(text));
  }

  static Future<MainVerticle> deploy(Vertx vertx, JsonObject overrides) {
    return TestGraphs.deploy(vertx, TestGraphs.config(overrides));
  }
}
