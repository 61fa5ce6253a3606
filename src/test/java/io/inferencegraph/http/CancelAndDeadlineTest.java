package io.inferencegraph.http;

import io.inferencegraph.MainVerticle;
import io.inferencegraph.TestGraphs;
import io.inferencegraph.config.GraphConfig;
import io.inferencegraph.config.ModelConfig;
import io.inferencegraph.model.StepLog;
import io.inferencegraph.model.batch.BatchLimits;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that goes away and a deadline that passes both stop the work they no longer need. gpt2
 * decodes one sequence at a time here, so a request it has not dropped keeps every other waiting.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@DisplayName("Cancel on disconnect and deadlines")
class CancelAndDeadlineTest {
  private static final String PROMPT = "I have an idea!";
  private static Vertx vertx;
  private static final Map<String, StepLog> steps = new ConcurrentHashMap<>();
  private static MainVerticle graph;
  private static HttpClient http;
  private static WebClient web;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    GraphConfig config = TestGraphs.config(new JsonObject());
    GraphConfig oneRow = config.withModels(m -> !m.name().equals("gpt2") ? m
        : new ModelConfig(m.name(), m.kind(), m.source(), m.instances(), m.intraOpThreads(), m.variant(), m.onnxFile(),
            new BatchLimits(1, m.batching().maxTokensInFlight(), m.batching().maxQueue(), 0)));
    graph = await(TestGraphs.deploy(vertx, oneRow, (model, metrics) -> {
      StepLog log = new StepLog(metrics);
      steps.put(model, log);
      return log;
    }));
    http = vertx.createHttpClient();
    web = WebClient.create(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    await(vertx.close());
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }

  private static String body(int maxNewTokens) {
    return new JsonObject().put("text", PROMPT)
        .put("parameters", new JsonObject().put("max_new_tokens", maxNewTokens).put("min_new_tokens", maxNewTokens))
        .encode();
  }

  private static Future<HttpResponse<Buffer>> post(String body, String timeoutMs) {
    var request = web.post(graph.httpPort(), "localhost", "/classify_generated_texts")
        .putHeader("Content-Type", "application/json");
    if (timeoutMs != null) {
      request.putHeader(RequestDeadline.HEADER, timeoutMs);
    }
    return request.sendBuffer(Buffer.buffer(body));
  }

  @Test
  @DisplayName("a client that disconnects mid-stream frees gpt2's only slot at the next step boundary, "
      + "is counted as cancelled, and is never classified")
  void disconnectFreesTheSlot() throws Exception {
    StepLog gpt2 = steps.get("gpt2");
    StepLog classifier = steps.get("bert-base-uncased");
    int classified = classifier.sizes().stream().mapToInt(Integer::intValue).sum();
    CountDownLatch firstToken = new CountDownLatch(1);
    StepLog.Hold held = gpt2.holdIn(3);
    SseClient.Stream stream = await(SseClient.post(http, graph.httpPort(), "application/json", body(200), (s, event) -> {
      if (event.name().equals("token") && event.json().getString("model").equals("gpt2")) {
        firstToken.countDown();
      }
    }));
    held.awaitReached();
    int heldAt = gpt2.steps();
    // gpt2's loop is inside a step: its earlier tokens reached the client while the decode goes on.
    assertThat(firstToken.await(60, TimeUnit.SECONDS)).as("a gpt2 token arrived before generation ended").isTrue();
    await(stream.request().connection().close());
    awaitCancelCounted();
    held.release();
    gpt2.awaitDropped();
    assertThat(gpt2.cancelledAt).as("dropped at the first step boundary after the cancel").containsExactly(heldAt);

    // The slot is free: a new request gets gpt2's only row, and the cancelled one never comes back.
    HttpResponse<Buffer> next = await(post(body(2), null));
    assertThat(next.statusCode()).isEqualTo(200);
    assertThat(gpt2.sizes().subList(heldAt, gpt2.steps())).as("steps after the cancel serve the new request")
        .hasSize(1).containsOnly(1);
    int classifiedAfter = classifier.sizes().stream().mapToInt(Integer::intValue).sum();
    assertThat(classifiedAfter - classified).as("only the new request's three texts were classified").isEqualTo(3);
    String metrics = await(web.get(graph.httpPort(), "localhost", "/metrics").send()).bodyAsString();
    assertThat(metrics).contains("graph_inference_cancelled_total{model=\"gpt2\"} 1.0");
  }

  @Test
  @DisplayName("a request whose deadline passes while it waits behind a busy batch answers 504 and is "
      + "dropped from the queue at a step boundary, never decoded")
  void deadlineInTheQueue() throws Exception {
    StepLog gpt2 = steps.get("gpt2");
    StepLog.Hold held = gpt2.holdIn(2);
    Future<HttpResponse<Buffer>> first = post(body(100), null);
    held.awaitReached();
    int heldAt = gpt2.steps();
    // gpt2's only row is taken and its loop is held: this request can only wait in the queue.
    HttpResponse<Buffer> late = await(post(body(100), "1000"));
    assertThat(late.statusCode()).isEqualTo(504);
    assertThat(late.bodyAsJsonObject().getString("error_type")).isEqualTo("timeout");
    held.release();
    gpt2.awaitDropped();
    // The model node counts the time left from the message's arrival, so its deadline can trail the
    // edge's 504 by the transit time: the drop comes at a step boundary soon after, while queued.
    int dropped = gpt2.expiredAt.get(gpt2.expiredAt.size() - 1);
    assertThat(await(first).statusCode()).isEqualTo(200);
    assertThat(dropped).as("dropped from the queue while the first request still held the only row")
        .isBetween(heldAt, gpt2.steps() - 1);
    assertThat(gpt2.sizes()).as("the late request never joined the batch").containsOnly(1);
  }

  @Test
  @DisplayName("a deadline that passes mid-stream ends the stream with an error event; the work is dropped")
  void deadlineMidStream() throws Exception {
    StepLog gpt2 = steps.get("gpt2");
    int expired = gpt2.expiredAt.size();
    StepLog.Hold held = gpt2.holdIn(3);
    SseClient.Stream stream = await(SseClient.post(http, graph.httpPort(), "application/json", body(200),
        java.util.Map.of(RequestDeadline.HEADER, "1500"), (s, event) -> {}));
    held.awaitReached();
    await(stream.ended()); // gpt2 is held past the deadline, so the graph gives up meanwhile
    held.release();
    assertThat(stream.status()).isEqualTo(200);
    List<SseClient.Event> events = stream.events();
    assertThat(events).extracting(SseClient.Event::name).contains("token").doesNotContain("done");
    SseClient.Event last = events.get(events.size() - 1);
    assertThat(last.name()).isEqualTo("error");
    assertThat(last.json().getString("error_type")).isEqualTo("timeout");
    gpt2.awaitDropped();
    assertThat(gpt2.expiredAt).as("gpt2 dropped the expired work at its next step boundary").hasSize(expired + 1);
  }

  /** The worker counts the cancel as it cancels the request's work: wait until it has. */
  private static void awaitCancelCounted() throws Exception {
    Promise<Void> counted = Promise.promise();
    long timer = vertx.setPeriodic(5, id -> {
      var counter = io.inferencegraph.telemetry.Telemetry.of(vertx).registry()
          .find("graph.inference.cancelled").tag("model", "gpt2").counter();
      if (counter != null && counter.count() >= 1) {
        counted.tryComplete();
      }
    });
    try {
      await(counted.future());
    } finally {
      vertx.cancelTimer(timer);
    }
  }
}
