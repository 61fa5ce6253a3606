package io.inferencegraph.telemetry;

import io.inferencegraph.model.batch.BatchObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One model's inference spans and meters. Thread-safe and cheap: the batching thread calls
 * {@link #recordStep} on every ONNX Runtime call.
 */
public final class ModelTelemetry {
  private final String model;
  private final Tracer tracer;
  private final MeterRegistry registry;
  private final Timer duration;
  private final Timer queue;
  private final Counter promptTokens;
  /** Registered for generators only, so that a classifier shows no counter that never moves. */
  private volatile Counter generatedTokens;
  private final DistributionSummary batchSize;
  private final Timer step;
  private final Counter rejected;
  private final Counter failures;
  private final Counter cancelled;
  private final AtomicInteger queueDepth = new AtomicInteger();
  private final AtomicLong kvBytes = new AtomicLong();
  private final AtomicLong kvCapacityBytes = new AtomicLong();
  private volatile boolean kvReported;

  ModelTelemetry(String model, Tracer tracer, MeterRegistry registry) {
    this.model = model;
    this.tracer = tracer;
    this.registry = registry;
    duration = latency("graph.inference.duration", "Time in ONNX Runtime per request, from joining a batch to the answer");
    queue = latency("graph.inference.queue", "Time a request waited in the model's queue before joining a batch");
    promptTokens = Counter.builder("graph.inference.tokens.prompt").description("Prompt tokens read")
        .tag("model", model).register(registry);
    batchSize = DistributionSummary.builder("graph.batch.size").description("Rows in each ONNX Runtime call")
        .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128).tag("model", model).register(registry);
    step = latency("graph.batch.step", "Duration of each ONNX Runtime call over a batch");
    failures = Counter.builder("graph.inference.failures").description("Inferences that failed (rejections included)")
        .tag("model", model).register(registry);
    rejected = Counter.builder("graph.inference.rejected").description("Requests refused because the queue was full")
        .tag("model", model).register(registry);
    cancelled = Counter.builder("graph.inference.cancelled")
        .description("Requests dropped because their caller went away").tag("model", model).register(registry);
    Gauge.builder("graph.queue.depth", queueDepth, AtomicInteger::get).description("Requests waiting to join a batch")
        .tag("model", model).register(registry);
  }

  /** The KV gauges, registered on a generator's first report so that the classifier shows none. */
  private void registerKvGauges() {
    Gauge.builder("graph.kv.cache", kvBytes, AtomicLong::get).baseUnit("bytes")
        .description("Keys and values the running batch holds (rows × longest row)").tag("model", model)
        .register(registry);
    Gauge.builder("graph.kv.cache.capacity", kvCapacityBytes, AtomicLong::get).baseUnit("bytes")
        .description("Direct memory the model keeps for keys and values, reused from step to step")
        .tag("model", model).register(registry);
  }

  /**
   * Starts the span of one inference as a child of the current Vert.x trace context (the event-bus
   * request being served). Call it on the verticle's thread, in the message handler.
   */
  public InferenceSpan startInference(String operation) {
    Span span = tracer.spanBuilder(operation + " " + model).setParent(Context.current())
        .setSpanKind(SpanKind.INTERNAL).setAttribute(InferenceSpan.MODEL, model).startSpan();
    return new InferenceSpan(span, this);
  }

  /** Records a finished inference in the meters (the span, if any, is {@link InferenceSpan#end}'s job). */
  public void recordInference(InferenceStats stats) {
    duration.record(stats.inferenceNanos(), TimeUnit.NANOSECONDS);
    queue.record(stats.queueNanos(), TimeUnit.NANOSECONDS);
    promptTokens.increment(stats.promptTokens());
    if (stats.newTokens() > 0) {
      generatedTokens().increment(stats.newTokens());
    }
  }

  /** The generated-tokens counter, registered on first use (registering again returns the same one). */
  Counter generatedTokens() {
    if (generatedTokens == null) {
      generatedTokens = Counter.builder("graph.inference.tokens.generated").description("Tokens generated")
          .tag("model", model).register(registry);
    }
    return generatedTokens;
  }

  /** Counts a request dropped because its caller went away (not a failure of the model). */
  public void recordCancelled() {
    cancelled.increment();
  }

  /** Counts a failed inference; its span, if any, says why. */
  public void recordFailure() {
    failures.increment();
  }

  /** One ONNX Runtime call over {@code rows} rows took {@code nanos}; {@code waiting} requests are queued. */
  public void recordStep(int rows, long nanos, int waiting) {
    batchSize.record(rows);
    step.record(nanos, TimeUnit.NANOSECONDS);
    queueDepth.set(waiting);
  }

  /** A request was refused at once because the model's queue was full. */
  public void recordRejected() {
    rejected.increment();
  }

  /** Feeds a batching scheduler's steps and rejections into this model's meters. */
  public BatchObserver batchObserver() {
    return new BatchObserver() {
      @Override
      public void onStep(int rows, long nanos, int queued) {
        recordStep(rows, nanos, queued);
      }

      @Override
      public void onRejected() {
        recordRejected();
      }

      @Override
      public void onKvCache(long bytes, long capacityBytes) {
        if (!kvReported) {
          kvReported = true; // only the model's batching thread reports
          registerKvGauges();
        }
        kvBytes.set(bytes);
        kvCapacityBytes.set(capacityBytes);
      }
    };
  }

  private Timer latency(String name, String description) {
    return Timer.builder(name).description(description).tag("model", model)
        .serviceLevelObjectives(MetricsSetup.LATENCY_BUCKETS).register(registry);
  }
}
