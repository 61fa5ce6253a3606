package io.inferencegraph.cluster;

import io.inferencegraph.MainVerticle;
import io.inferencegraph.bus.GenerateEvent;
import io.inferencegraph.cluster.ClusterNodes.Node;
import io.inferencegraph.model.StepLog;
import io.inferencegraph.telemetry.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An edge and two nodes serving gpt2 on loopback; the first node is held inside a decode step of
 * the request (its batch loop stopped by a {@link StepLog} hold), then dies or is thought dead: the
 * other answers, with the text of an unbroken run.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayName("A request whose node dies mid-decode is answered by the other replica with the same text")
class ClusterRetryTest {
  private static final String PROMPT = "Once upon a time";
  private static final int TOKENS = 12;

  private final ClusterNodes nodes = new ClusterNodes();
  private final Vertx client = Vertx.vertx();
  private final HttpClient http = client.createHttpClient();

  @AfterEach
  void close() throws Exception {
    await(client.close());
  }

  @Test
  @DisplayName("a node killed (Hazelcast member terminated, Vert.x closed) inside a decode step: "
      + "the other replica answers, same text")
  void killedMidDecode() throws Exception {
    Node edge = await(nodes.start("http", Telemetry.create(Map.of("otel.sdk.disabled", "true"), List.of())));
    StepLog[] logs = new StepLog[2];
    Node first = await(nodes.start("generator:gpt2", hook(logs, 0)));
    String unbroken = text(await(complete(edge, false)));
    StepLog.Hold held = logs[0].holdIn(3);
    Future<String> answer = complete(edge, false);
    held.awaitReached();
    Node second = await(nodes.start("generator:gpt2", hook(logs, 1)));
    first.cluster().manager().getHazelcastInstance().getLifecycleService().terminate();
    first.vertx().close(); // not waited for: its batch loop is still held
    try {
      assertThat(text(await(answer))).isEqualTo(unbroken);
      assertThat(logs[1].steps()).as("the second node decoded the retry").isPositive();
      assertThat(Telemetry.of(edge.vertx()).registry().scrape())
          .containsPattern("graph_retries_total\\{[^}]*model=\"gpt2\"[^}]*reason=\"(node_left|unreachable)\"");
    } finally {
      held.release();
      await(second.stop());
      await(edge.stop());
    }
  }

  @Test
  @DisplayName("a stream whose node is thought dead mid-decode resumes on the other replica: "
      + "one unbroken text, the first node's late tokens dropped")
  void streamResumed() throws Exception {
    Node edge = await(nodes.start("http"));
    StepLog[] logs = new StepLog[2];
    Node first = await(nodes.start("generator:gpt2", hook(logs, 0)));
    String unbroken = text(await(complete(edge, false)));
    StepLog.Hold held = logs[0].holdIn(4);
    CountDownLatch someTokens = new CountDownLatch(1);
    Future<String> stream = complete(edge, true, someTokens);
    held.awaitReached();
    assertThat(someTokens.await(60, TimeUnit.SECONDS)).as("the client had tokens before the node went").isTrue();
    Node second = await(nodes.start("generator:gpt2", hook(logs, 1)));
    StepLog.Hold resumed = logs[1].holdIn(2);
    AtomicBoolean late = new AtomicBoolean();
    CountDownLatch lateArrived = new CountDownLatch(1);
    edge.vertx().eventBus().addInboundInterceptor(delivery -> {
      if (late.get() && delivery.message().body() instanceof GenerateEvent event && !event.requestId().contains("#r")) {
        lateArrived.countDown();
      }
      delivery.next();
    });
    String gone = first.cluster().manager().getNodeId();
    edge.vertx().runOnContext(v -> edge.cluster().inFlight().nodeLeft(gone)); // as a partition would look to the edge
    try {
      resumed.awaitReached();
      late.set(true);
      held.release();
      assertThat(lateArrived.await(60, TimeUnit.SECONDS)).as("the first node's late tokens reached the edge").isTrue();
      resumed.release();
      String streamed = await(stream);
      assertThat(streamed).isEqualTo(unbroken.substring(PROMPT.length()));
    } finally {
      held.release();
      resumed.release();
      await(second.stop());
      await(first.stop());
      await(edge.stop());
    }
  }

  private static MainVerticle.ObserverHook hook(StepLog[] logs, int slot) {
    return (model, metrics) -> {
      if (!model.equals("gpt2")) {
        return metrics;
      }
      logs[slot] = new StepLog(metrics);
      return logs[slot];
    };
  }

  private Future<String> complete(Node edge, boolean stream) {
    return complete(edge, stream, new CountDownLatch(1));
  }

  /** POST /v1/completions, greedy; a stream's text deltas joined, or the whole answer's body. */
  private Future<String> complete(Node edge, boolean stream, CountDownLatch someTokens) {
    JsonObject body = new JsonObject().put("model", "gpt2").put("prompt", PROMPT).put("max_tokens", TOKENS)
        .put("temperature", 0).put("stream", stream);
    StringBuilder text = new StringBuilder();
    StringBuilder pending = new StringBuilder();
    Promise<String> done = Promise.promise();
    http.request(HttpMethod.POST, edge.httpPort(), "127.0.0.1", "/v1/completions")
        .compose(request -> request.putHeader("Content-Type", "application/json").send(body.encode()))
        .onSuccess(response -> {
          Buffer whole = Buffer.buffer();
          response.handler(chunk -> {
            whole.appendBuffer(chunk);
            pending.append(chunk.toString());
            int end;
            while (stream && (end = pending.indexOf("\n\n")) >= 0) {
              String event = pending.substring(0, end).trim();
              pending.delete(0, end + 2);
              if (event.startsWith("data: {")) {
                String delta = new JsonObject(event.substring(6)).getJsonArray("choices").getJsonObject(0)
                    .getString("text");
                text.append(delta);
                if (!delta.isEmpty()) {
                  someTokens.countDown();
                }
              }
            }
          });
          response.endHandler(v -> done.tryComplete(stream ? text.toString() : whole.toString()));
          response.exceptionHandler(done::tryFail);
        })
        .onFailure(done::tryFail);
    return done.future();
  }

  /** The prompt and continuation of a non-streamed answer, which must be a 200. */
  private static String text(String answer) {
    JsonObject json = new JsonObject(answer);
    assertThat(json.containsKey("choices")).as(answer).isTrue();
    return PROMPT + json.getJsonArray("choices").getJsonObject(0).getString("text");
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }
}
