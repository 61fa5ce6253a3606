package io.inferencegraph.http;

import io.inferencegraph.TracedGraph;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayName("Each request is one trace shaped like the graph, kept for /traces and exported as spans end")
class TracingTest {
  private static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
  private static final AttributeKey<String> MODEL = AttributeKey.stringKey("gen_ai.request.model");
  private static TracedGraph graph;
  private static WebClient client;

  @BeforeAll
  static void start(VertxTestContext ctx) {
    graph = new TracedGraph();
    client = WebClient.create(graph.vertx());
    graph.start().onComplete(ctx.succeedingThenComplete());
  }

  @AfterAll
  static void stop(VertxTestContext ctx) {
    client.close();
    graph.close().onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("one trace id; generator calls overlap; classifier calls follow the last generator, one after another")
  void waterfall(VertxTestContext ctx) {
    graph.spans().reset();
    graph.post(client)
        .compose(response -> graph.exported(response.getHeader("x-trace-id")).map(spans -> {
          ctx.verify(() -> assertWaterfall(response, spans));
          return spans;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  private static void assertWaterfall(HttpResponse<Buffer> response, List<SpanData> spans) {
    assertThat(response.statusCode()).isEqualTo(200);
    String traceId = response.getHeader("x-trace-id");
    assertThat(response.getHeader("traceparent")).matches("00-" + traceId + "-[0-9a-f]{16}-01");
    assertThat(spans).extracting(SpanData::getTraceId).as("everything the request caused").containsOnly(traceId);
    SpanData http = spans.stream().filter(s -> !s.getParentSpanContext().isValid()).findFirst().orElseThrow();
    assertThat(http.getName()).isEqualTo("POST /classify_generated_texts");
    assertThat(http.getKind()).isEqualTo(SpanKind.SERVER);
    assertShape(spans, http);
  }

  private static void assertShape(List<SpanData> spans, SpanData http) {
    List<SpanData> generators = calls(spans, "graph.generate.");
    List<SpanData> classifiers = calls(spans, "graph.classify.");
    // One span per node under the request's; each model call under its node, a map's under its item.
    Map<String, SpanData> nodes = spans.stream().filter(s -> s.getName().startsWith("node "))
        .collect(Collectors.toMap(SpanData::getName, s -> s));
    assertThat(nodes.keySet()).containsExactlyInAnyOrder("node gpt2", "node distilgpt2", "node gpt2-medium",
        "node scores");
    assertThat(nodes.values()).allMatch(s -> s.getParentSpanId().equals(http.getSpanId()));
    assertThat(generators).hasSize(3).allMatch(s -> nodes.values().stream()
        .anyMatch(node -> node.getSpanId().equals(s.getParentSpanId()) && !node.getName().equals("node scores")));
    List<SpanData> items = spans.stream().filter(s -> s.getName().startsWith("item scores["))
        .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos)).toList();
    assertThat(items).hasSize(3).allMatch(s -> s.getParentSpanId().equals(nodes.get("node scores").getSpanId()));
    assertThat(classifiers).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(classifiers.get(i).getParentSpanId()).as("classifier call %d under item %d", i, i)
          .isEqualTo(items.get(i).getSpanId());
    }
    // The spans of one trace share the root span's monotonic clock, and each order compared here is
    // forced by the code on the edge's event loop: the three calls are sent in one task before any
    // reply is handled, and a classifier call is sent from the callback of the reply before it.
    long lastGeneratorStart = generators.stream().mapToLong(SpanData::getStartEpochNanos).max().orElseThrow();
    long firstGeneratorEnd = generators.stream().mapToLong(SpanData::getEndEpochNanos).min().orElseThrow();
    long lastGeneratorEnd = generators.stream().mapToLong(SpanData::getEndEpochNanos).max().orElseThrow();
    assertThat(lastGeneratorStart).as("every generator call starts before any ends").isLessThan(firstGeneratorEnd);
    assertThat(classifiers.get(0).getStartEpochNanos()).as("first classifier call after the last generator")
        .isGreaterThanOrEqualTo(lastGeneratorEnd);
    for (int i = 1; i < classifiers.size(); i++) {
      assertThat(classifiers.get(i).getStartEpochNanos()).as("classifier call %d starts after call %d ends", i, i - 1)
          .isGreaterThanOrEqualTo(classifiers.get(i - 1).getEndEpochNanos());
    }
    generators.forEach(call -> assertInference(spans, call, true));
    classifiers.forEach(call -> assertInference(spans, call, false));
  }

  private static List<SpanData> calls(List<SpanData> spans, String addressPrefix) {
    return spans.stream()
        .filter(s -> s.getKind() == SpanKind.CLIENT && s.getAttributes().get(DESTINATION).startsWith(addressPrefix))
        .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos)).toList();
  }

  /** Under each event-bus call: the worker's receiving span, and under that the inference span. */
  private static void assertInference(List<SpanData> spans, SpanData call, boolean generator) {
    String address = call.getAttributes().get(DESTINATION);
    SpanData served = childOf(spans, call);
    assertThat(served.getKind()).isEqualTo(SpanKind.SERVER);
    SpanData inference = childOf(spans, served);
    String model = address.substring(address.indexOf('.', "graph.".length()) + 1);
    assertThat(inference.getName()).isEqualTo((generator ? "generate " : "classify ") + model);
    assertThat(inference.getAttributes().get(MODEL)).isEqualTo(model);
    assertThat(inference.getStartEpochNanos()).isGreaterThanOrEqualTo(call.getStartEpochNanos());
    assertThat(inference.getEndEpochNanos()).isLessThanOrEqualTo(call.getEndEpochNanos());
    Attributes attributes = inference.getAttributes();
    assertThat(attributes.size()).as("model, tokens in and out, batch size, queue and ONNX Runtime time").isEqualTo(6);
    assertThat(attributes.get(AttributeKey.longKey("gen_ai.usage.input_tokens"))).isPositive();
    long newTokens = attributes.get(AttributeKey.longKey("gen_ai.usage.output_tokens"));
    if (generator) {
      assertThat(newTokens).as("at most max_new_tokens; fewer when eos comes first").isBetween(1L, 16L);
    } else {
      assertThat(newTokens).isZero();
    }
    assertThat(attributes.get(AttributeKey.longKey("inference.batch_size"))).isPositive();
    assertThat(attributes.get(AttributeKey.doubleKey("inference.queue_time_ms"))).isNotNegative();
    assertThat(attributes.get(AttributeKey.doubleKey("inference.onnx_time_ms"))).isPositive();
  }

  private static SpanData childOf(List<SpanData> spans, SpanData parent) {
    List<SpanData> children = spans.stream().filter(s -> s.getParentSpanId().equals(parent.getSpanId())).toList();
    assertThat(children).as("children of %s", parent.getName()).hasSize(1);
    return children.get(0);
  }

  @Test
  @DisplayName("/traces/{id} serves the same spans as the exporter got, for the page's waterfall")
  void recentTrace(VertxTestContext ctx) {
    graph.spans().reset();
    graph.post(client)
        .compose(response -> graph.exported(response.getHeader("x-trace-id")))
        .compose(spans -> client.get(graph.port(), "localhost", "/traces/" + spans.get(0).getTraceId()).send()
            .map(response -> {
              ctx.verify(() -> {
                assertThat(response.statusCode()).isEqualTo(200);
                JsonObject trace = response.bodyAsJsonObject();
                assertThat(trace.getBoolean("complete")).isTrue();
                Set<String> ids = trace.getJsonArray("spans").stream()
                    .map(span -> ((JsonObject) span).getString("span_id")).collect(Collectors.toSet());
                assertThat(ids).isEqualTo(spans.stream().map(SpanData::getSpanId).collect(Collectors.toSet()));
              });
              return response;
            }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("probes and scrapes make no trace, so they cannot push requests out of the recent traces")
  void quietPaths(VertxTestContext ctx) {
    graph.spans().reset();
    // One connection, so the server handles the requests in the order sent; the last one is traced
    // (refused at once, empty prompt). Spans are exported as they end, so once its root span is out,
    // any span of the probes before it would be too.
    WebClient serial = WebClient.create(graph.vertx(), new WebClientOptions(), new PoolOptions().setHttp1MaxSize(1));
    serial.get(graph.port(), "localhost", "/readyz").send()
        .compose(ready -> serial.get(graph.port(), "localhost", "/metrics").send())
        .compose(metrics -> serial.post(graph.port(), "localhost", "/classify_generated_texts")
            .putHeader("Content-Type", "text/plain").sendBuffer(Buffer.buffer("")))
        .compose(marker -> graph.exported(marker.getHeader("x-trace-id")).map(spans -> {
          ctx.verify(() -> assertThat(spans).extracting(SpanData::getTraceId).as("only the marker request's trace")
              .containsOnly(marker.getHeader("x-trace-id")));
          return spans;
        }))
        .onComplete(done -> serial.close())
        .onComplete(ctx.succeedingThenComplete());
  }
}
