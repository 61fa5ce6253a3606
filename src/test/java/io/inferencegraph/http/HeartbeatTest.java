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
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
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
 * Event streams send a keep-alive comment from the start, also while their request waits in a model's
 * queue: every generator decodes one sequence at a time here and is held inside a step by a request
 * ahead, so a streamed request can only wait.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@DisplayName("SSE heartbeats from the start")
class HeartbeatTest {
  private static final String PROMPT = "I have an idea!";
  private static final List<String> GENERATORS = List.of("gpt2", "distilgpt2", "gpt2-medium");
  private static Vertx vertx;
  private static final Map<String, StepLog> steps = new ConcurrentHashMap<>();
  private static MainVerticle graph;
  private static HttpClient http;
  private static WebClient web;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    GraphConfig config = TestGraphs.config(new JsonObject().put("http", new JsonObject().put("sse_heartbeat_ms", 50)));
    GraphConfig oneRow = config.withModels(m -> !GENERATORS.contains(m.name()) ? m
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

  /** A stream as raw blocks: how many heartbeats came before its first token, and its end. */
  private static final class RawStream {
    final CountDownLatch heartbeats = new CountDownLatch(2);
    final StringBuilder pending = new StringBuilder();
    final List<String> blocks = new ArrayList<>();
    int beats;
    int beatsBeforeFirstToken = -1;
    final Promise<Void> ended = Promise.promise();

    void accept(Buffer chunk, String tokenMark) {
      pending.append(chunk.toString("UTF-8"));
      for (int end = pending.indexOf("\n\n"); end >= 0; end = pending.indexOf("\n\n")) {
        String block = pending.substring(0, end);
        pending.delete(0, end + 2);
        blocks.add(block);
        if (block.equals(": keep-alive")) {
          beats++;
          heartbeats.countDown();
        } else if (block.contains(tokenMark) && beatsBeforeFirstToken < 0) {
          beatsBeforeFirstToken = beats;
        }
      }
    }
  }

  private static Future<RawStream> stream(String uri, JsonObject body, String tokenMark) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setPort(graph.httpPort())
        .setHost("localhost").setURI(uri).putHeader("Accept", "text/event-stream")
        .putHeader("Content-Type", "application/json");
    return http.request(options).compose(request -> request.send(body.toBuffer())).map(response -> {
      RawStream raw = new RawStream();
      response.handler(chunk -> raw.accept(chunk, tokenMark));
      response.endHandler(v -> raw.ended.tryComplete());
      response.exceptionHandler(raw.ended::tryFail);
      return raw;
    });
  }

  @Test
  @DisplayName("a graph stream and a /v1 stream held in the queue each get two heartbeats before their first token")
  void heartbeatsWhileQueued() throws Exception {
    List<StepLog.Hold> holds = new ArrayList<>();
    for (String model : GENERATORS) {
      holds.add(steps.get(model).holdIn(2));
    }
    Future<HttpResponse<Buffer>> ahead = web.post(graph.httpPort(), "localhost", "/classify_generated_texts")
        .putHeader("Content-Type", "application/json").sendJsonObject(new JsonObject().put("text", PROMPT)
            .put("parameters", new JsonObject().put("max_new_tokens", 20).put("min_new_tokens", 20)));
    try {
      for (StepLog.Hold hold : holds) {
        hold.awaitReached();
      }
      // Every generator's only row is taken and its loop held: these requests can only wait in the queue.
      RawStream graphStream = await(stream("/classify_generated_texts", new JsonObject().put("text", PROMPT)
          .put("parameters", new JsonObject().put("max_new_tokens", 3)), "event: token"));
      RawStream completion = await(stream("/v1/completions", new JsonObject().put("model", "gpt2")
          .put("prompt", PROMPT).put("max_tokens", 3).put("stream", true), "\"text\""));
      assertThat(graphStream.heartbeats.await(30, TimeUnit.SECONDS)).as("graph stream: two heartbeats while queued")
          .isTrue();
      assertThat(completion.heartbeats.await(30, TimeUnit.SECONDS)).as("/v1 stream: two heartbeats while queued")
          .isTrue();
      holds.forEach(StepLog.Hold::release);
      await(graphStream.ended.future());
      await(completion.ended.future());
      assertThat(graphStream.beatsBeforeFirstToken).as("graph stream blocks: %s", graphStream.blocks)
          .isGreaterThanOrEqualTo(2);
      assertThat(completion.beatsBeforeFirstToken).as("/v1 stream blocks: %s", completion.blocks)
          .isGreaterThanOrEqualTo(2);
      assertThat(graphStream.blocks.get(0)).as("the first thing a stream sends").isEqualTo(": keep-alive");
      assertThat(completion.blocks.get(0)).isEqualTo(": keep-alive");
      assertThat(completion.blocks.get(completion.blocks.size() - 1)).isEqualTo("data: [DONE]");
      assertThat(graphStream.blocks.stream().filter(b -> b.startsWith("event: done"))).hasSize(1);
    } finally {
      holds.forEach(StepLog.Hold::release);
    }
    assertThat(await(ahead).statusCode()).isEqualTo(200);
  }
}
