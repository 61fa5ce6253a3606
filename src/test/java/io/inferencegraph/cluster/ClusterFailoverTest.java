package io.inferencegraph.cluster;

import io.inferencegraph.api.ErrorCode;
import io.inferencegraph.cluster.ClusterNodes.Node;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayName("When a model node leaves, nothing hangs; when it comes back, the same edge serves again")
class ClusterFailoverTest {
  private static final Set<String> TYPED_FAILURES =
      Set.of("model_unavailable", "model_node_left", "shutting_down", "timeout");
  private static final String SLOW = new JsonObject().put("text", "Once upon a time")
      .put("parameters", new JsonObject().put("max_new_tokens", 200).put("seed", 7)).encode();

  private final ClusterNodes nodes = new ClusterNodes();

  @Test
  @DisplayName("a models node stopped mid-traffic: every request ends with 200 or a typed 503/504; restarted, traffic succeeds")
  void stopAndRestart(Vertx vertx, VertxTestContext ctx) {
    WebClient client = WebClient.create(vertx);
    nodes.start("generators,classifier").compose(models -> nodes.start("http").compose(edge -> {
      Traffic traffic = new Traffic(vertx, client, edge.httpPort(), SLOW);
      return until(vertx, () -> traffic.answered() >= 8)
          .compose(v -> models.stop())
          // The edge hears of the departure a moment after the node has closed.
          .compose(v -> readyzUntil(vertx, client, edge, 503))
          .compose(notReady -> post(client, edge, "I have an idea!").map(refused -> List.of(notReady, refused)))
          .compose(afterStop -> restart(vertx, client, edge).map(afterRestart -> {
            ctx.verify(() -> {
              assertNotReady(afterStop.get(0));
              assertThat(afterStop.get(1).statusCode()).isEqualTo(503);
              assertThat(afterStop.get(1).bodyAsJsonObject().getString("error_type")).isEqualTo("model_unavailable");
              assertThat(afterRestart.statusCode()).as(afterRestart.bodyAsString()).isEqualTo(200);
              assertThat(afterRestart.bodyAsJsonArray()).hasSize(3);
            });
            return edge;
          }))
          .compose(v -> traffic.stop())
          .map(answers -> {
            ctx.verify(() -> assertTyped(answers));
            return edge;
          })
          .compose(Node::stop);
    })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("requests a vanished node had taken, or was sent, fail with 503 model_node_left long before the send timeout")
  void vanishedNode(VertxTestContext ctx) {
    nodes.join(nodes.config("http", new JsonObject())).compose(edge -> nodes.join(nodes.config("http", new JsonObject()))
        .compose(hung -> {
          // One model takes requests and never answers; the other never even takes them (paused).
          EventBus bus = hung.vertx().eventBus();
          MessageConsumer<Object> paused = bus.consumer("graph.generate.queued", message -> { });
          return Future.join(bus.consumer("graph.generate.hung", message -> { }).completion(),
                  bus.consumer("graph.generate.warm", message -> message.reply("ok")).completion(),
                  paused.completion())
              // A first round trip opens the event-bus connections both ways, as on any node that served before.
              .compose(v -> edge.vertx().eventBus().request("graph.generate.warm", "hello"))
              .compose(v -> {
                paused.pause();
                return requestsThenVanish(edge, hung);
              })
              // The vanished node cannot leave cleanly any more: close it without waiting.
              .eventually(() -> {
                hung.vertx().close();
                return edge.vertx().close();
              });
        }))
        .onComplete(ctx.succeeding(failures -> ctx.verify(() -> {
          System.out.printf("requests failed %s ms after the node vanished (taken, queued)%n",
              failures.stream().map(Failure::millisAfterVanishing).toList());
          for (Failure failure : failures) {
            assertThat(failure.error()).isInstanceOf(ReplyException.class);
            ReplyException reply = (ReplyException) failure.error();
            assertThat(reply.failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
            assertThat(reply.failureCode()).isEqualTo(ErrorCode.NODE_LEFT.wire());
            assertThat(failure.millisAfterVanishing()).as(failure.toString()).isLessThan(8_000);
          }
          ctx.completeNow();
        })));
  }

  /** How a request ended and how long after the node vanished. */
  private record Failure(Throwable error, long millisAfterVanishing) {}

  private static Future<List<Failure>> requestsThenVanish(ClusterNode edge, ClusterNode hung) {
    DeliveryOptions patient = new DeliveryOptions().setSendTimeout(30_000);
    Future<Void> receipt = receiptHandled(edge);
    long[] vanishedAt = new long[1];
    Future<Failure> taken = edge.vertx().eventBus().request("graph.generate.hung", new JsonObject(), patient)
        .transform(done -> Future.succeededFuture(new Failure(done.cause(), System.currentTimeMillis() - vanishedAt[0])));
    Future<Failure> queued = edge.vertx().eventBus().request("graph.generate.queued", new JsonObject(), patient)
        .transform(done -> Future.succeededFuture(new Failure(done.cause(), System.currentTimeMillis() - vanishedAt[0])));
    // Once the receipt for the taken request has reached the edge, let the member drop dead.
    return Future.all(receipt, until(edge.vertx(), () -> edge.inFlightRequests() == 2)).compose(v -> {
      vanishedAt[0] = System.currentTimeMillis();
      hung.manager().getHazelcastInstance().getLifecycleService().terminate();
      return Future.all(taken, queued).map(done -> List.of(taken.result(), queued.result()));
    });
  }

  /** Completes once the edge has handled the first receipt a models node sent it. */
  private static Future<Void> receiptHandled(ClusterNode edge) {
    Promise<Void> handled = Promise.promise();
    edge.vertx().eventBus().addInboundInterceptor(delivery -> {
      boolean receipt = delivery.message().address().startsWith("graph.receipts.");
      delivery.next();
      Context context = Vertx.currentContext();
      if (receipt && context != null) {
        // After the receipt's handler, when next() queued it on this context.
        context.runOnContext(v -> handled.tryComplete());
      } else if (receipt) {
        handled.tryComplete();
      }
    });
    return handled.future();
  }

  private Future<HttpResponse<Buffer>> restart(Vertx vertx, WebClient client, Node edge) {
    return nodes.start("generators,classifier").compose(models ->
        readyzUntil(vertx, client, edge, 200).compose(v -> post(client, edge, "I have an idea!"))
            .eventually(models::stop));
  }

  private static Future<HttpResponse<Buffer>> readyzUntil(Vertx vertx, WebClient client, Node edge, int status) {
    return readyz(client, edge).compose(response -> response.statusCode() == status ? Future.succeededFuture(response)
        : delay(vertx, 100).compose(v -> readyzUntil(vertx, client, edge, status)));
  }

  private static void assertTyped(List<Future<HttpResponse<Buffer>>> traffic) {
    for (Future<HttpResponse<Buffer>> request : traffic) {
      assertThat(request.succeeded()).as("every request got an HTTP answer").isTrue();
      HttpResponse<Buffer> response = request.result();
      if (response.statusCode() != 200) {
        assertThat(response.statusCode()).as(response.bodyAsString()).isIn(503, 504);
        assertThat(response.bodyAsJsonObject().getString("error_type")).isIn(TYPED_FAILURES);
      }
    }
    assertThat(traffic).as("answered before the stop and after the restart")
        .anyMatch(request -> request.result().statusCode() == 200);
    assertThat(traffic).as("refused while no node served the models")
        .anyMatch(request -> request.result().statusCode() != 200);
  }

  private static void assertNotReady(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(503);
    JsonObject ready = response.bodyAsJsonObject();
    assertThat(ready.getJsonArray("missing").getList())
        .containsExactlyInAnyOrder("gpt2", "distilgpt2", "gpt2-medium", "bert-base-uncased");
    assertThat(ready.getJsonObject("cluster").getBoolean("joined")).as("the edge itself stays joined").isTrue();
  }

  private static Future<HttpResponse<Buffer>> post(WebClient client, Node edge, String json) {
    return client.post(edge.httpPort(), "127.0.0.1", "/classify_generated_texts")
        .putHeader("Content-Type", json.startsWith("{") ? "application/json" : "text/plain")
        .sendBuffer(Buffer.buffer(json));
  }

  private static Future<HttpResponse<Buffer>> readyz(WebClient client, Node edge) {
    return client.get(edge.httpPort(), "127.0.0.1", "/readyz").send();
  }

  private static Future<Void> until(Vertx vertx, BooleanSupplier condition) {
    return condition.getAsBoolean() ? Future.succeededFuture()
        : delay(vertx, 20).compose(v -> until(vertx, condition));
  }

  private static Future<Void> delay(Vertx vertx, long ms) {
    Promise<Void> promise = Promise.promise();
    vertx.setTimer(ms, id -> promise.complete());
    return promise.future();
  }
}
