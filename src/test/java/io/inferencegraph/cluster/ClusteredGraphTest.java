package io.inferencegraph.cluster;

import io.inferencegraph.TestGraphs;
import io.inferencegraph.api.GenerationParams;
import io.inferencegraph.api.Params;
import io.inferencegraph.cluster.ClusterNodes.Node;
import io.inferencegraph.http.SseClient;
import io.inferencegraph.model.Fixtures;
import io.inferencegraph.telemetry.Telemetry;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import static java.util.stream.Collectors.toSet;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayName("Two clustered nodes on loopback, the HTTP edge on one and every model on the other, answer as one")
class ClusteredGraphTest {
  private static final String PROMPT = "I have an idea!";
  private static final ClusterNodes NODES = new ClusterNodes();
  // Each node has its own telemetry and exporter, as two processes would.
  private static final InMemorySpanExporter EDGE_SPANS = InMemorySpanExporter.create();
  private static final InMemorySpanExporter MODEL_SPANS = InMemorySpanExporter.create();
  private static final Telemetry EDGE_TELEMETRY = traced(EDGE_SPANS);
  private static final Telemetry MODEL_TELEMETRY = traced(MODEL_SPANS);
  private static Node models;
  private static Node edge;

  @BeforeAll
  static void start(VertxTestContext ctx) {
    NODES.start("generators,classifier", MODEL_TELEMETRY)
        .compose(started -> {
          models = started;
          return NODES.start("http", EDGE_TELEMETRY);
        })
        .onComplete(ctx.succeeding(started -> {
          edge = started;
          ctx.completeNow();
        }));
  }

  @AfterAll
  static void stop() throws Exception {
    Future.join(edge.stop(), models.stop()).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    EDGE_TELEMETRY.close();
    MODEL_TELEMETRY.close();
  }

  private static Telemetry traced(InMemorySpanExporter exporter) {
    return Telemetry.create(Map.of("otel.traces.sampler", "parentbased_always_on", "otel.traces.exporter", "none"),
        List.of(exporter));
  }

  @Test
  @DisplayName("the seed's request through the edge equals the model layer called directly with the same seed")
  void answersAcrossNodes(Vertx vertx, VertxTestContext ctx) {
    GenerationParams params = Params.of("max_new_tokens", 24, "do_sample", true, "temperature", 0.8, "top_k", 40, "top_p", 0.9, "seed", 1234L, "num_return_sequences", 1);
    String body = new JsonObject().put("text", PROMPT).put("parameters", new JsonObject(params.toMap())).encode();
    WebClient.create(vertx).post(edge.httpPort(), "127.0.0.1", "/classify_generated_texts")
        .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body))
        .onComplete(ctx.succeeding(response -> vertx.executeBlocking(() -> TestGraphs.directAnswer(edge.config(), PROMPT, params))
            .onComplete(ctx.succeeding(expected -> ctx.verify(() -> {
              assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
              JsonArray answer = response.bodyAsJsonArray();
              assertThat(answer).hasSize(3);
              for (int i = 0; i < expected.size(); i++) {
                JsonObject entry = answer.getJsonObject(i);
                assertThat(entry.getString("model")).isEqualTo(expected.get(i).getString("model"));
                assertThat(entry.getString("generated")).isEqualTo(expected.get(i).getString("generated"));
                assertThat(entry.getDouble("score")).isEqualTo(expected.get(i).getDouble("score"));
              }
              assertThat(edge.cluster().inFlightRequests()).as("nothing left waiting on the edge").isZero();
              ctx.completeNow();
            })))));
  }

  @Test
  @DisplayName("/v1 across nodes: token ids and OpenAI's no-top_k default reach the models node intact")
  void openAiAcrossNodes(Vertx vertx, VertxTestContext ctx) {
    WebClient web = WebClient.create(vertx);
    JsonArray ids = new JsonArray(List.copyOf(Fixtures.prompts(Fixtures.decoder("distilgpt2-tiny")).get(0).inputIds()));
    JsonObject sampled = new JsonObject().put("model", "distilgpt2").put("max_tokens", 12).put("seed", 5);
    JsonObject graph = new JsonObject().put("max_new_tokens", 12).put("do_sample", true).put("temperature", 1.0)
        .put("top_p", 1.0).put("seed", 5);
    Future.all(List.of(post(web, "/v1/completions", sampled.copy().put("prompt", PROMPT)),
        post(web, "/v1/completions", sampled.copy().put("prompt", ids)),
        post(web, "/classify_generated_texts", new JsonObject().put("text", PROMPT).put("parameters", graph.copy().put("top_k", 0))),
        post(web, "/classify_generated_texts", new JsonObject().put("text", PROMPT).put("parameters", graph))))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          List<HttpResponse<Buffer>> answers = all.list();
          answers.forEach(answer -> assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(200));
          String text = answers.get(0).bodyAsJsonObject().getJsonArray("choices").getJsonObject(0).getString("text");
          assertThat(answers.get(1).bodyAsJsonObject().getJsonArray("choices").getJsonObject(0).getString("text"))
              .isEqualTo(text);
          String topK0 = answers.get(2).bodyAsJsonArray().getJsonObject(1).getString("generated");
          assertThat(PROMPT + text).isEqualTo(topK0)
              .isNotEqualTo(answers.get(3).bodyAsJsonArray().getJsonObject(1).getString("generated"));
          web.close();
          ctx.completeNow();
        })));
  }

  private Future<HttpResponse<Buffer>> post(WebClient web, String path, JsonObject body) {
    return web.post(edge.httpPort(), "127.0.0.1", path).putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(body.encode()));
  }

  @Test
  @DisplayName("/readyz on the edge finds every model on the other node and shows the two-member cluster")
  void readiness(Vertx vertx, VertxTestContext ctx) {
    WebClient.create(vertx).get(edge.httpPort(), "127.0.0.1", "/readyz").send()
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
          JsonObject ready = response.bodyAsJsonObject();
          assertThat(ready.getJsonObject("models").fieldNames())
              .containsExactlyInAnyOrder("gpt2", "distilgpt2", "gpt2-medium", "bert-base-uncased");
          JsonObject cluster = ready.getJsonObject("cluster");
          assertThat(cluster.getBoolean("joined")).isTrue();
          assertThat(cluster.getInteger("members")).isEqualTo(2);
          assertThat(cluster.getString("node_id")).isEqualTo(edge.cluster().status().getString("node_id"));
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("one request is one trace: the models node's spans continue the edge's trace")
  void oneTraceAcrossNodes(Vertx vertx, VertxTestContext ctx) {
    WebClient.create(vertx).post(edge.httpPort(), "127.0.0.1", "/classify_generated_texts")
        .putHeader("Content-Type", "text/plain").sendBuffer(Buffer.buffer(PROMPT))
        .compose(response -> {
          String traceId = response.getHeader("x-trace-id");
          // The models node exports its spans as they end; the one the assertions need last is the
          // receiving span of a model call, the child of the edge's call span.
          return waitFor(vertx, "a models-node span of " + traceId + " whose parent is on the edge",
              () -> hasRemoteChild(traceId)).map(traceId);
        })
        .onComplete(ctx.succeeding(traceId -> ctx.verify(() -> {
          assertThat(traceId).hasSize(32);
          assertThat(spansOf(EDGE_SPANS, traceId)).anyMatch(span -> !span.getParentSpanContext().isValid());
          List<SpanData> remote = spansOf(MODEL_SPANS, traceId);
          assertThat(remote).allMatch(span -> span.getParentSpanContext().isValid());
          Set<String> edgeSpanIds = spansOf(EDGE_SPANS, traceId).stream().map(SpanData::getSpanId).collect(toSet());
          assertThat(remote).as("some models-node span has its parent on the edge")
              .anyMatch(span -> edgeSpanIds.contains(span.getParentSpanId()));
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a second node serving gpt2 joins without restarting the edge and takes half of gpt2's traffic")
  void sharedModel(Vertx vertx, VertxTestContext ctx) {
    AtomicInteger served = new AtomicInteger();
    AtomicInteger servedByFirst = new AtomicInteger();
    count(models, servedByFirst);
    WebClient client = WebClient.create(vertx);
    NODES.start("generator:gpt2").compose(second -> {
      count(second, served);
      // The edge learns of the new consumer a moment after it registered: from the first request it
      // sends there on, it sends gpt2 requests to the two nodes in turn.
      return untilServed(client, served, 100)
          .compose(learned -> {
            served.set(0);
            servedByFirst.set(0);
            return sequentialRequests(client, 8);
          })
          .eventually(second::stop);
    }).onComplete(ctx.succeeding(statuses -> ctx.verify(() -> {
      assertThat(statuses).containsOnly(200);
      assertThat(served.get() + servedByFirst.get()).isEqualTo(8);
      assertThat(served.get()).as("gpt2 requests the second node served, of 8, round robin").isEqualTo(4);
      ctx.completeNow();
    })));
  }

  /** Requests one after another until the second node has served one; fails after {@code attempts}. */
  private static Future<Void> untilServed(WebClient client, AtomicInteger served, int attempts) {
    if (served.get() > 0) {
      return Future.succeededFuture();
    }
    if (attempts == 0) {
      return Future.failedFuture("the edge never sent a gpt2 request to the node that joined");
    }
    return post(client).compose(response -> untilServed(client, served, attempts - 1));
  }

  private static Future<List<Integer>> sequentialRequests(WebClient client, int count) {
    Future<List<Integer>> statuses = Future.succeededFuture(new ArrayList<>());
    for (int i = 0; i < count; i++) {
      statuses = statuses.compose(list -> post(client).map(response -> {
        list.add(response.statusCode());
        return list;
      }));
    }
    return statuses;
  }

  private static Future<HttpResponse<Buffer>> post(WebClient client) {
    return client.post(edge.httpPort(), "127.0.0.1", "/classify_generated_texts")
        .putHeader("Content-Type", "text/plain").sendBuffer(Buffer.buffer(PROMPT));
  }

  private static void count(Node node, AtomicInteger gpt2Requests) {
    node.vertx().eventBus().addInboundInterceptor(delivery -> {
      if (delivery.message().address().equals("graph.generate.gpt2")) {
        gpt2Requests.incrementAndGet();
      }
      delivery.next();
    });
  }

  private static List<SpanData> spansOf(InMemorySpanExporter exporter, String traceId) {
    return exporter.getFinishedSpanItems().stream().filter(span -> span.getTraceId().equals(traceId)).toList();
  }

  @Test
  @DisplayName("a client that leaves mid-stream cancels the decode on the models node: the cancel crosses the cluster")
  void cancelCrossesTheCluster(Vertx vertx, VertxTestContext ctx) {
    // Long enough (240 tokens, eos held back) that the decode is still running when the cancel arrives.
    String body = new JsonObject().put("text", PROMPT)
        .put("parameters", new JsonObject().put("max_new_tokens", 240).put("min_new_tokens", 240)).encode();
    double before = cancelled(models);
    AtomicBoolean left = new AtomicBoolean();
    SseClient.post(vertx.createHttpClient(), edge.httpPort(), "application/json", body, (stream, event) -> {
      if (event.name().equals("token") && left.compareAndSet(false, true)) {
        stream.request().connection().close(); // the first token came from the models node: now leave
      }
    })
        .compose(stream -> waitFor(vertx, "a cancellation counted on the models node",
            () -> cancelled(models) > before))
        .onComplete(ctx.succeeding(done -> ctx.verify(() -> {
          assertThat(left).as("a token reached the client before it left").isTrue();
          assertThat(cancelled(edge)).as("the edge decodes nothing, so counts nothing").isZero();
          ctx.completeNow();
        })));
  }

  private static double cancelled(Node node) {
    return Telemetry.of(node.vertx()).registry().find("graph.inference.cancelled").counters().stream()
        .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
  }

  private static boolean hasRemoteChild(String traceId) {
    Set<String> edgeSpanIds = spansOf(EDGE_SPANS, traceId).stream().map(SpanData::getSpanId).collect(toSet());
    return spansOf(MODEL_SPANS, traceId).stream().anyMatch(span -> edgeSpanIds.contains(span.getParentSpanId()));
  }

  /** Completes once {@code condition} holds (checked every 20 ms); fails, naming what it awaited, after 5 s. */
  private static Future<Void> waitFor(Vertx vertx, String what, BooleanSupplier condition) {
    Promise<Void> done = Promise.promise();
    long poll = vertx.setPeriodic(20, id -> {
      if (condition.getAsBoolean()) {
        done.tryComplete();
      }
    });
    long deadline = vertx.setTimer(5000, id -> done.tryFail("not within 5 s: " + what));
    return done.future().onComplete(result -> {
      vertx.cancelTimer(poll);
      vertx.cancelTimer(deadline);
    });
  }
}
