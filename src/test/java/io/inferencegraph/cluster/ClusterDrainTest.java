package io.inferencegraph.cluster;

import io.inferencegraph.GracefulShutdown;
import io.inferencegraph.MainVerticle;
import io.inferencegraph.api.ErrorCode;
import io.inferencegraph.api.GenerationParams;
import io.inferencegraph.bus.Addresses;
import io.inferencegraph.bus.BusCodecs;
import io.inferencegraph.bus.GenerateRequest;
import io.inferencegraph.cluster.ClusterNodes.Node;
import io.inferencegraph.model.StepLog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 180, unit = TimeUnit.SECONDS)
@DisplayName("A model node that leaves gracefully gets no new work, finishes what it holds, then leaves")
class ClusterDrainTest {
  private static final String BODY = body(7);
  /** Requests posted once the drain is announced; their seed tells them apart on the bus. */
  private static final long AFTER_SEED = 8;

  private final ClusterNodes nodes = new ClusterNodes();

  @Test
  @DisplayName("requests held inside a decode step on the draining node all answer 200; new ones go to the other node")
  void drainUnderLoad() throws Exception {
    StepLog gpt2OnA = new StepLog();
    Node b = await(nodes.start("generators,classifier"));
    Node a = await(nodes.start(nodes.config("generators,classifier", new JsonObject()), watch("gpt2", gpt2OnA)));
    Node edge = await(nodes.start("http"));
    AtomicInteger afterAtA = countSeeded(a.vertx(), AFTER_SEED);
    WebClient client = WebClient.create(edge.vertx());
    try {
      until(() -> ready(client, edge));
      AtomicInteger gpt2AtA = countRequests(a.vertx(), Addresses.generator("gpt2"));
      until(() -> { // the edge's routing names A for gpt2 (Hazelcast spreads registrations asynchronously)
        await(post(client, edge, 1).get(0));
        return gpt2AtA.get() > 0;
      });
      StepLog.Hold held = gpt2OnA.holdAt(2);
      List<Future<HttpResponse<Buffer>>> before = post(client, edge, 4);
      held.awaitReached(); // A holds at least one gpt2 request inside its second step

      GracefulShutdown shutdown = new GracefulShutdown(a.vertx(), a.main(), a.cluster(), a.config().shutdown());
      Future<Void> drained = shutdown.drain();
      await(shutdown.announced());
      List<Future<HttpResponse<Buffer>>> after = post(client, edge, 6, body(AFTER_SEED));
      for (HttpResponse<Buffer> response : awaitAll(after)) {
        assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
      }
      // A request routed to A just before the edge learnt of the drain may still arrive after the
      // announcement; A answers it shutting_down and the edge retries it elsewhere (LeavingNodeTest).
      // Requests posted after the announcement never reach A.
      assertThat(afterAtA.get()).as("model requests posted after A announced its drain that reached A").isZero();
      assertThat(drained.isComplete()).as("A still holds the request in its decode step").isFalse();

      held.release();
      for (HttpResponse<Buffer> response : awaitAll(before)) {
        assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
      }
      await(drained);
      await(a.stop());
      until(() -> edge.cluster().status().getInteger("members") == 2);
      HttpResponse<Buffer> afterLeaving = await(post(client, edge, 1).get(0));
      assertThat(afterLeaving.statusCode()).as(afterLeaving.bodyAsString()).isEqualTo(200);
    } finally {
      gpt2OnA.holdAt(2).release();
      await(Future.join(edge.stop(), b.stop(), a.stop()));
    }
  }

  @Test
  @DisplayName("shutdown.drain_timeout_ms bounds the drain: a request still held then is failed with shutting_down")
  void drainTimeout() throws Exception {
    StepLog gpt2 = new StepLog();
    JsonObject shortDrain = new JsonObject().put("shutdown", new JsonObject().put("drain_timeout_ms", 300));
    Node models = await(nodes.start(nodes.config("generator:gpt2", shortDrain), watch("gpt2", gpt2)));
    ClusterNode caller = await(nodes.join(nodes.config("http", new JsonObject())));
    try {
      BusCodecs.register(caller.vertx());
      StepLog.Hold held = gpt2.holdAt(2);
      GenerationParams params = GenerationParams.parse(Map.of("max_new_tokens", 8, "min_new_tokens", 8));
      Future<Message<Object>> reply = caller.vertx().eventBus().request(Addresses.generator("gpt2"),
          new GenerateRequest("held", "Once upon a time", params, null), new DeliveryOptions().setSendTimeout(60_000));
      held.awaitReached();

      GracefulShutdown shutdown = new GracefulShutdown(models.vertx(), models.main(), models.cluster(),
          models.config().shutdown());
      await(shutdown.drain()); // returns although the request is still held inside its step
      assertThat(reply.isComplete()).as("the held request has not been answered yet").isFalse();

      held.release();
      ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
          () -> await(reply));
      assertThat(failed.getCause()).isInstanceOf(ReplyException.class);
      ReplyException cause = (ReplyException) failed.getCause();
      assertThat(cause.failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
      assertThat(cause.failureCode()).as(cause.getMessage()).isEqualTo(ErrorCode.SHUTTING_DOWN.wire());
    } finally {
      gpt2.holdAt(2).release();
      await(Future.join(models.stop(), caller.vertx().close()));
    }
  }

  private static MainVerticle.ObserverHook watch(String model, StepLog log) {
    return (name, metrics) -> name.equals(model) ? log : metrics;
  }

  /** Generate and classify requests that reach this node's consumers. */
  private static AtomicInteger countRequests(Vertx vertx, String address) {
    AtomicInteger count = new AtomicInteger();
    vertx.eventBus().addInboundInterceptor(delivery -> {
      if (delivery.message().replyAddress() != null && delivery.message().address().equals(address)) {
        count.incrementAndGet();
      }
      delivery.next();
    });
    return count;
  }

  /** Generate requests with {@code seed} that reach this node's consumers. */
  private static AtomicInteger countSeeded(Vertx vertx, long seed) {
    AtomicInteger count = new AtomicInteger();
    vertx.eventBus().addInboundInterceptor(delivery -> {
      if (delivery.message().replyAddress() != null && delivery.message().body() instanceof GenerateRequest request
          && request.parameters() != null && Long.valueOf(seed).equals(request.parameters().seed())) {
        count.incrementAndGet();
      }
      delivery.next();
    });
    return count;
  }

  private static String body(long seed) {
    return new JsonObject().put("text", "I have an idea!")
        .put("parameters", new JsonObject().put("max_new_tokens", 8).put("seed", seed)).encode();
  }

  private static List<Future<HttpResponse<Buffer>>> post(WebClient client, Node edge, int n) {
    return post(client, edge, n, BODY);
  }

  private static List<Future<HttpResponse<Buffer>>> post(WebClient client, Node edge, int n, String body) {
    List<Future<HttpResponse<Buffer>>> responses = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      responses.add(client.post(edge.httpPort(), "127.0.0.1", "/classify_generated_texts")
          .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body)));
    }
    return responses;
  }

  private static boolean ready(WebClient client, Node edge) throws Exception {
    return await(client.get(edge.httpPort(), "127.0.0.1", "/readyz").send()).statusCode() == 200;
  }

  private static List<HttpResponse<Buffer>> awaitAll(List<Future<HttpResponse<Buffer>>> responses) throws Exception {
    List<HttpResponse<Buffer>> done = new ArrayList<>();
    for (Future<HttpResponse<Buffer>> response : responses) {
      done.add(await(response));
    }
    return done;
  }

  /** Polls (the only clock here is the test's timeout). */
  private interface Check {
    boolean holds() throws Exception;
  }

  private static void until(Check check) throws Exception {
    while (!check.holds()) {
      Thread.sleep(50);
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }
}
