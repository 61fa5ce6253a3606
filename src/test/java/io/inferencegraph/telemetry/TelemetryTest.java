package io.inferencegraph.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@DisplayName("Telemetry: OTLP only when configured, nothing when disabled, bounded recent traces")
class TelemetryTest {
  private static final InferenceStats STATS = new InferenceStats(7, 16, 2, 1_000_000, 50_000_000);

  @Test
  @DisplayName("with an OTLP endpoint and service name set, spans reach the collector over OTLP/HTTP")
  void exportsOverOtlp(Vertx vertx, VertxTestContext ctx) {
    HttpServer collector = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      ctx.verify(() -> {
        assertThat(request.path()).isEqualTo("/v1/traces");
        assertThat(request.getHeader("Content-Type")).isEqualTo("application/x-protobuf");
        String bytes = body.toString(StandardCharsets.ISO_8859_1);
        assertThat(bytes).contains("generate gpt2", "graph-under-test");
      });
      request.response().putHeader("Content-Type", "application/x-protobuf").end();
      ctx.completeNow();
    }));
    collector.listen(0, "127.0.0.1").onComplete(ctx.succeeding(server -> {
      Telemetry telemetry = Telemetry.create(Map.of(
          "otel.exporter.otlp.endpoint", "http://127.0.0.1:" + server.actualPort(),
          "otel.exporter.otlp.protocol", "http/protobuf",
          "otel.service.name", "graph-under-test",
          "otel.traces.sampler", "always_on"), List.of());
      telemetry.model("gpt2").startInference("generate").end(STATS);
      vertx.executeBlocking(() -> {
        telemetry.close();
        return null;
      });
    }));
  }

  @Test
  @DisplayName("OTEL_SDK_DISABLED: no tracer for Vert.x, non-recording spans, meters still counted")
  void disabled() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    Telemetry telemetry = Telemetry.create(Map.of("otel.sdk.disabled", "true"), List.of(exporter));
    assertThat(telemetry.tracing()).isFalse();
    telemetry.model("gpt2").startInference("generate").end(STATS);
    assertThat(exporter.getFinishedSpanItems()).isEmpty();
    assertThat(telemetry.registry().get("graph.inference.duration").tag("model", "gpt2").timer().count()).isOne();
    assertThat(telemetry.registry().get("graph.inference.tokens.generated").counter().count()).isEqualTo(16);
  }

  @Test
  @DisplayName("a failed inference ends its span as an error with the cause, and counts a failure")
  void failure() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    Telemetry telemetry = Telemetry.create(Map.of("otel.traces.exporter", "none"), List.of(exporter));
    telemetry.model("bert").startInference("classify")
        .fail(new CompletionException(new IllegalStateException("ONNX Runtime failed")));
    SpanData span = exporter.getFinishedSpanItems().get(0);
    assertThat(span.getName()).isEqualTo("classify bert");
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getEvents().get(0).getAttributes().get(AttributeKey.stringKey("exception.type")))
        .isEqualTo(IllegalStateException.class.getName());
    assertThat(telemetry.registry().get("graph.inference.failures").tag("model", "bert").counter().count()).isOne();
    telemetry.close();
  }

  @Test
  @DisplayName("the recent-trace buffer keeps the newest traces and a bounded number of spans each")
  void recentTracesAreBounded() {
    RecentTraces recent = new RecentTraces(2, 3);
    try (SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(recent).build()) {
      Tracer tracer = provider.get("test");
      List<String> ids = List.of(trace(tracer, 5), trace(tracer, 1), trace(tracer, 1));
      assertThat(recent.trace(ids.get(0))).as("oldest evicted").isEmpty();
      assertThat(recent.trace(ids.get(2))).isPresent();
      assertThat(recent.summaries()).hasSize(2);
    }
    RecentTraces wide = new RecentTraces(10, 3);
    try (SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(wide).build()) {
      String id = trace(provider.get("test"), 5);
      assertThat(wide.trace(id).orElseThrow().getJsonArray("spans")).hasSize(3);
    }
  }

  private static String trace(Tracer tracer, int children) {
    Span root = tracer.spanBuilder("root").startSpan();
    for (int i = 0; i < children; i++) {
      tracer.spanBuilder("child").setParent(Context.root().with(root)).startSpan().end();
    }
    root.end();
    return root.getSpanContext().getTraceId();
  }

  @Test
  @DisplayName("probes, scrapes and the page's reads start no trace; graph requests and child spans do")
  void quietPaths() {
    Sampler sampler = new QuietPathsSampler(Sampler.alwaysOn());
    String traceId = "0123456789abcdef0123456789abcdef";
    for (String path : List.of("/livez", "/readyz", "/healthz", "/metrics", "/", "/traces/" + traceId, "/assets/app.js")) {
      assertThat(sampler.shouldSample(Context.root(), traceId, "GET", SpanKind.SERVER, path(path), List.of())
          .getDecision()).as(path).isEqualTo(SamplingDecision.DROP);
    }
    assertThat(sampler.shouldSample(Context.root(), traceId, "POST", SpanKind.SERVER,
        path("/classify_generated_texts"), List.of()).getDecision()).isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
  }

  private static Attributes path(String path) {
    return Attributes.of(AttributeKey.stringKey("url.path"), path);
  }
}
