package io.inferencegraph.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.concurrent.TimeUnit;

/**
 * A declared graph as traces and meters see it: one span per node under the request's span (a map's
 * items as its children), {@code graph_node_duration_seconds{graph,node}} and
 * {@code graph_requests_total{graph,outcome}}.
 */
public final class GraphTelemetry {
  static final AttributeKey<String> GRAPH = AttributeKey.stringKey("graph.name");
  static final AttributeKey<String> NODE = AttributeKey.stringKey("graph.node");
  static final AttributeKey<String> STATUS = AttributeKey.stringKey("graph.node.status");
  static final AttributeKey<Long> ITEM = AttributeKey.longKey("graph.map.item");

  private final Tracer tracer;
  private final MeterRegistry registry;

  GraphTelemetry(Tracer tracer, MeterRegistry registry) {
    this.tracer = tracer;
    this.registry = registry;
  }

  /** A node of {@code graph} starts, under {@code parent} (the request's context). */
  public Step node(String graph, String node, Context parent) {
    Span span = tracer.spanBuilder("node " + node).setParent(parent).setSpanKind(SpanKind.INTERNAL)
        .setAttribute(GRAPH, graph).setAttribute(NODE, node).startSpan();
    Timer timer = Timer.builder("graph.node.duration").description("Time a graph's node took, its inputs ready")
        .tag("graph", graph).tag("node", node).serviceLevelObjectives(MetricsSetup.LATENCY_BUCKETS).register(registry);
    return new Step(span, parent.with(span), timer);
  }

  /** Item {@code index} of a map node starts, as a child of the map's span. */
  public Step item(Step map, String node, int index) {
    Span span = tracer.spanBuilder("item " + node + "[" + index + "]").setParent(map.context())
        .setSpanKind(SpanKind.INTERNAL).setAttribute(NODE, node).setAttribute(ITEM, (long) index).startSpan();
    return new Step(span, map.context().with(span), null);
  }

  /** A request to {@code graph} ended: {@code outcome} is "ok" or its error_type. */
  public void request(String graph, String outcome) {
    Counter.builder("graph.requests").description("Requests to a declared graph, by outcome")
        .tag("graph", graph).tag("outcome", outcome).register(registry).increment();
  }

  /** A call to {@code model} was sent again on another node, for {@code reason} ("node_left", "shutting_down"). */
  public void retried(String model, String reason) {
    Counter.builder("graph.retries").description("Model calls sent again because the node holding them went away")
        .tag("model", model).tag("reason", reason).register(registry).increment();
  }

  /** A node's (or map item's) span and, for a node, its timer; ended once. */
  public static final class Step {
    private final Span span;
    private final Context context;
    private final Timer timer;
    private final long started = System.nanoTime();
    private boolean ended;

    Step(Span span, Context context, Timer timer) {
      this.span = span;
      this.context = context;
      this.timer = timer;
    }

    /** The context its model calls are sent in, so that their spans are its children. */
    public Context context() {
      return context;
    }

    public void end(String status) {
      if (finish()) {
        span.setAttribute(STATUS, status).end();
      }
    }

    public void fail(Throwable error) {
      if (finish()) {
        span.recordException(error);
        span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
        span.end();
      }
    }

    private boolean finish() {
      if (ended) {
        return false;
      }
      ended = true;
      if (timer != null) {
        timer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
      }
      return true;
    }
  }
}
