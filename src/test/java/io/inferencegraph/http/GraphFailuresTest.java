package io.inferencegraph.http;

import io.inferencegraph.DeliveryGate;
import io.inferencegraph.TestGraphs;
import io.inferencegraph.config.GraphConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import static io.inferencegraph.http.GraphErrorsTest.assertError;
import static io.inferencegraph.http.GraphErrorsTest.postText;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayName("When a part of the graph fails, the request fails fast with a typed error and nothing hangs")
class GraphFailuresTest {

  @Test
  @DisplayName("a model that throws gives 500, and the same worker serves the next request")
  void modelThrows(Vertx vertx, VertxTestContext ctx, @TempDir Path temp) {
    // Each generator's config.json claims more positions than its graph has: ONNX Runtime fails on long
    // prompts (a generator that knows its context refuses them with 400 before any run).
    JsonObject models = new JsonObject();
    for (String[] model : new String[][] {{"gpt2", "gpt2-tiny"}, {"distilgpt2", "distilgpt2-tiny"},
        {"gpt2-medium", "gpt2-medium-tiny"}}) {
      Path broken = TestGraphs.copyClaimingLongerContext(Path.of("models", model[1]), temp.resolve(model[1]));
      models.put(model[0], new JsonObject().put("path", broken.toString()));
    }
    WebClient client = WebClient.create(vertx);
    GraphErrorsTest.deploy(vertx, new JsonObject().put("models", models))
        .compose(main -> client.post(main.httpPort(), "localhost", "/classify_generated_texts")
            .sendJsonObject(new JsonObject().put("text", "word ".repeat(600))
                .put("parameters", new JsonObject().put("max_new_tokens", 5)))
            .compose(failed -> postText(client, main.httpPort(), "short prompt").map(ok -> List.of(failed, ok))))
        .onComplete(ctx.succeeding(responses -> ctx.verify(() -> {
          assertError(responses.get(0), 500, "model_error");
          assertThat(responses.get(0).bodyAsJsonObject().getString("error")).contains("gpt2");
          assertThat(responses.get(1).statusCode()).isEqualTo(200);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("no consumer for the models gives 503 at once, and /readyz names what is missing")
  void noConsumer(Vertx vertx, VertxTestContext ctx) {
    GraphConfig config = TestGraphs.config(new JsonObject());
    HttpVerticle http = new HttpVerticle(config, null);
    WebClient client = WebClient.create(vertx);
    vertx.deployVerticle(http)
        .compose(id -> postText(client, http.port(), "hello"))
        .compose(response -> client.get(http.port(), "localhost", "/readyz").send().map(ready -> List.of(response, ready)))
        .onComplete(ctx.succeeding(responses -> ctx.verify(() -> {
          assertError(responses.get(0), 503, "model_unavailable");
          assertThat(responses.get(0).getHeader("Retry-After")).isNotNull();
          HttpResponse<Buffer> ready = responses.get(1);
          assertError(ready, 503, "not_ready");
          assertThat(ready.bodyAsJsonObject().getJsonArray("missing").getList())
              .containsExactlyInAnyOrder("gpt2", "distilgpt2", "gpt2-medium", "bert-base-uncased");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a model slower than the event-bus timeout gives 504")
  void timeout(Vertx vertx, VertxTestContext ctx) {
    WebClient client = WebClient.create(vertx);
    GraphErrorsTest.deploy(vertx, new JsonObject().put("event_bus", new JsonObject().put("timeout_ms", 1)))
        .compose(main -> postText(client, main.httpPort(), "I have an idea!"))
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertError(response, 504, "timeout");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("requests over the in-flight cap are refused at once with 429 and Retry-After")
  void inFlightCap(Vertx vertx, VertxTestContext ctx) {
    WebClient client = WebClient.create(vertx);
    GraphErrorsTest.deploy(vertx, new JsonObject().put("http", new JsonObject().put("max_in_flight", 1)))
        .compose(main -> {
          List<Future<HttpResponse<Buffer>>> responses = new ArrayList<>();
          for (int i = 0; i < 6; i++) {
            responses.add(postText(client, main.httpPort(), "I have an idea!"));
          }
          return Future.all(responses).map(all -> responses.stream().map(Future::result).toList());
        })
        .onComplete(ctx.succeeding(responses -> ctx.verify(() -> {
          List<HttpResponse<Buffer>> refused = responses.stream().filter(r -> r.statusCode() == 429).toList();
          assertThat(responses).anyMatch(r -> r.statusCode() == 200);
          assertThat(refused).isNotEmpty();
          assertError(refused.get(0), 429, "too_many_requests");
          assertThat(refused.get(0).getHeader("Retry-After")).isEqualTo("1");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a model whose queue is full refuses at once with 503 overloaded and Retry-After")
  void modelQueueFull(Vertx vertx, VertxTestContext ctx) {
    WebClient client = WebClient.create(vertx);
    JsonObject tight = new JsonObject().put("max_batch_size", 1).put("max_queue", 1);
    JsonObject models = new JsonObject();
    TestGraphs.config(new JsonObject()).generators().forEach(m -> models.put(m.name(),
        new JsonObject().put("batching", tight)));
    GraphErrorsTest.deploy(vertx, new JsonObject().put("models", models))
        .compose(main -> {
          List<Future<HttpResponse<Buffer>>> responses = new ArrayList<>();
          for (int i = 0; i < 8; i++) {
            responses.add(postText(client, main.httpPort(), "I have an idea!"));
          }
          return Future.all(responses).map(all -> responses.stream().map(Future::result).toList());
        })
        .onComplete(ctx.succeeding(responses -> ctx.verify(() -> {
          List<HttpResponse<Buffer>> refused = responses.stream().filter(r -> r.statusCode() == 503).toList();
          assertThat(responses).anyMatch(r -> r.statusCode() == 200);
          assertThat(refused).isNotEmpty();
          assertError(refused.get(0), 503, "overloaded");
          assertThat(refused.get(0).getHeader("Retry-After")).isEqualTo("1");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("draining lets the request in flight finish before the server closes")
  void drain(Vertx vertx, VertxTestContext ctx) {
    WebClient client = WebClient.create(vertx);
    String body = new JsonObject().put("text", "I have an idea!")
        .put("parameters", new JsonObject().put("max_new_tokens", 200).put("min_new_tokens", 200).put("do_sample", false)).encode();
    GraphErrorsTest.deploy(vertx, new JsonObject()).onComplete(ctx.succeeding(main -> {
      // The generators get the request only once draining has begun, so it is in flight throughout.
      DeliveryGate gate = DeliveryGate.close(vertx, "graph.generate.", 3);
      Future<HttpResponse<Buffer>> inFlight = client.post(main.httpPort(), "localhost", "/classify_generated_texts")
          .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body));
      gate.arrived().onComplete(ctx.succeeding(held -> {
        Future<Void> drained = main.drain();
        gate.open();
        Future.all(drained, inFlight).onComplete(ctx.succeeding(both -> ctx.verify(() -> {
          HttpResponse<Buffer> response = inFlight.result();
          assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
          assertThat(response.bodyAsJsonArray()).hasSize(3)
              .allSatisfy(entry -> assertThat(((JsonObject) entry).getInteger("new_tokens")).isEqualTo(200));
          ctx.completeNow();
        })));
      }));
    }));
  }
}
