package io.inferencegraph.http;

import io.inferencegraph.TestGraphs;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@DisplayName("/openapi.json describes every route the server has, with the error body and statuses")
class OpenApiTest {

  @Test
  @DisplayName("every route and method of the router is in the document, and every error has {error, error_type}")
  void describesEveryRoute(Vertx vertx, VertxTestContext ctx) {
    HttpVerticle http = new HttpVerticle(TestGraphs.config(new JsonObject()), null);
    WebClient client = WebClient.create(vertx);
    vertx.deployVerticle(http)
        .compose(id -> client.get(http.port(), "localhost", "/openapi.json").send())
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(200);
          assertThat(response.getHeader("Content-Type")).startsWith("application/json");
          JsonObject document = response.bodyAsJsonObject();
          assertThat(document.getString("openapi")).startsWith("3.1");
          JsonObject paths = document.getJsonObject("paths");
          for (Route route : http.router().getRoutes()) {
            if (route.getPath() != null) {
              assertDocumented(paths, route);
            }
          }
          assertErrors(document);
          assertStreamsAndOpenAi(paths);
          ctx.completeNow();
        })));
  }

  /** {@code /traces/:traceId} is documented as {@code /traces/{traceId}}, {@code /assets/*} as {@code /assets/{file}}. */
  private static void assertDocumented(JsonObject paths, Route route) {
    String path = route.getPath().replaceAll(":(\\w+)", "{$1}");
    String documented = paths.fieldNames().stream()
        .filter(p -> p.equals(path) || path.endsWith("/") && path.length() > 1 && p.startsWith(path))
        .findFirst().orElse(null);
    assertThat(documented).as("route %s in the document", route.getPath()).isNotNull();
    for (HttpMethod method : route.methods()) {
      assertThat(paths.getJsonObject(documented).fieldNames()).as("methods of %s", documented)
          .contains(method.name().toLowerCase());
    }
  }

  /** The graph's stream and the /v1 door are documented, the door's errors in OpenAI's shape. */
  private static void assertStreamsAndOpenAi(JsonObject paths) {
    assertThat(paths.getJsonObject("/classify_generated_texts").getJsonObject("post").getJsonObject("responses")
        .getJsonObject("200").getJsonObject("content").fieldNames()).contains("application/json", "text/event-stream");
    JsonObject completions = paths.getJsonObject("/v1/completions").getJsonObject("post").getJsonObject("responses");
    assertThat(completions.getJsonObject("200").getJsonObject("content").fieldNames())
        .contains("application/json", "text/event-stream");
    for (String status : completions.fieldNames()) {
      if (!status.equals("200")) {
        assertThat(completions.getJsonObject(status).getJsonObject("content").getJsonObject("application/json")
            .getJsonObject("schema").getString("$ref")).as("body of %s", status)
            .isEqualTo("#/components/schemas/OpenAiError");
      }
    }
  }

  private static void assertErrors(JsonObject document) {
    JsonObject components = document.getJsonObject("components");
    assertThat(components.getJsonObject("schemas").getJsonObject("Error").getJsonArray("required").getList())
        .containsExactly("error", "error_type");
    JsonObject responses = document.getJsonObject("paths").getJsonObject("/classify_generated_texts")
        .getJsonObject("post").getJsonObject("responses");
    assertThat(responses.fieldNames())
        .contains("200", "400", "401", "405", "413", "415", "429", "500", "502", "503", "504");
    for (String status : responses.fieldNames()) {
      if (!status.equals("200")) {
        String name = responses.getJsonObject(status).getString("$ref").replace("#/components/responses/", "");
        assertThat(components.getJsonObject("responses").getJsonObject(name).getJsonObject("content")
            .getJsonObject("application/json").getJsonObject("schema").getString("$ref"))
            .as("body of %s", status).isEqualTo("#/components/schemas/Error");
      }
    }
  }
}
