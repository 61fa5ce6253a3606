package io.inferencegraph.telemetry;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;

/**
 * The service's telemetry, built in one place: OpenTelemetry tracing wired into Vert.x (HTTP and
 * event-bus spans, trace context across the bus and the cluster), Prometheus metrics, the buffer
 * of recent traces, and each model's inference spans and meters.
 */
public final class Telemetry implements Shareable, AutoCloseable {
  private static final String LOCAL_MAP = "io.inferencegraph.telemetry";
  private static final int RECENT_TRACES = 200;
  private static final int SPANS_PER_TRACE = 512;

  private final OpenTelemetrySdk sdk;
  private final Tracer tracer;
  private final MetricsSetup metrics = new MetricsSetup();
  private final RecentTraces recentTraces = new RecentTraces(RECENT_TRACES, SPANS_PER_TRACE);
  private final Map<String, ModelTelemetry> models = new ConcurrentHashMap<>();
  private final AtomicReference<IntSupplier> inFlight = new AtomicReference<>(() -> 0);
  private final GraphTelemetry graphs;

  private Telemetry(Map<String, String> properties, List<SpanExporter> exporters, boolean tracing) {
    sdk = tracing ? TracingSetup.build(properties, recentTraces, exporters) : null;
    tracer = (sdk == null ? OpenTelemetry.noop() : sdk).getTracer("io.inferencegraph");
    graphs = new GraphTelemetry(tracer, metrics.registry);
    Gauge.builder("graph.requests.in.flight", inFlight, ref -> ref.get().getAsInt())
        .description("Graph requests admitted and not yet answered").register(metrics.registry);
  }

  /** From the standard OTEL_* environment variables and otel.* system properties. */
  public static Telemetry fromEnvironment() {
    return create(Map.of(), List.of());
  }

  /**
   * With {@code properties} (otel.* keys) over the environment's, and {@code exporters} that get
   * each span as it ends (tests use an in-memory exporter).
   */
  public static Telemetry create(Map<String, String> properties, List<SpanExporter> exporters) {
    return new Telemetry(properties, exporters, true);
  }

  /** Adds metrics and (unless OTEL_SDK_DISABLED) tracing to a Vert.x builder, plain or clustered. */
  public VertxBuilder configure(VertxBuilder builder) {
    builder.withMetrics(metrics.factory());
    return sdk == null ? builder : builder.withTracer(new OpenTelemetryTracingFactory(sdk));
  }

  /** Makes this the telemetry that {@link #of} finds for {@code vertx}; call before deploying. */
  public Vertx attach(Vertx vertx) {
    localMap(vertx).put(LOCAL_MAP, this);
    return vertx;
  }

  /** The telemetry attached to {@code vertx}; for one built without it, meters only and no spans. */
  public static Telemetry of(Vertx vertx) {
    LocalMap<String, Telemetry> map = localMap(vertx);
    Telemetry found = map.get(LOCAL_MAP);
    if (found == null) {
      Telemetry metricsOnly = new Telemetry(Map.of(), List.of(), false);
      found = map.putIfAbsent(LOCAL_MAP, metricsOnly);
      return found == null ? metricsOnly : found;
    }
    return found;
  }

  /** As {@link #model}, for a text generator: its generated-tokens counter exists from the start. */
  public ModelTelemetry generator(String name) {
    ModelTelemetry model = model(name);
    model.generatedTokens();
    return model;
  }

  /** The spans and meters of one model of the graph. */
  public ModelTelemetry model(String name) {
    return models.computeIfAbsent(name, model -> new ModelTelemetry(model, tracer, metrics.registry));
  }

  /** The spans and meters of declared graphs' nodes and requests. */
  public GraphTelemetry graphs() {
    return graphs;
  }

  /** Where the in-flight gauge reads from (the HTTP edge's admission count). */
  public void inFlight(IntSupplier count) {
    inFlight.set(count);
  }

  public PrometheusMeterRegistry registry() {
    return metrics.registry;
  }

  public RecentTraces recentTraces() {
    return recentTraces;
  }

  public boolean tracing() {
    return sdk != null;
  }

  /** The W3C traceparent of the current Vert.x trace context, or null outside a trace. */
  public static String traceparent() {
    SpanContext span = Span.current().getSpanContext();
    return span.isValid()
        ? "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getTraceFlags().asHex() : null;
  }

  /**
   * Marks a request that no route took (a 404 or 405 vert.x-web answers itself): its metrics say
   * route="unmatched", and its span keeps the method alone as its name, as the conventions ask.
   */
  public static void unmatched(io.vertx.core.http.HttpServerRequest request) {
    request.routed(MetricsSetup.UNMATCHED);
  }

  /** Names the current server span after its route, as the semantic conventions ask. */
  public static void nameServerSpan(String method, String route) {
    Span.current().updateName(method + " " + route).setAttribute("http.route", route);
  }

  /** Flushes what the exporters still hold; call after closing Vert.x. */
  @Override
  public void close() {
    if (sdk != null) {
      sdk.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  private static LocalMap<String, Telemetry> localMap(Vertx vertx) {
    return vertx.sharedData().getLocalMap(LOCAL_MAP);
  }
}
