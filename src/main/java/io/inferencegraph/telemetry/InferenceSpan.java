package io.inferencegraph.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;

/** One inference in progress: its span and its model's meters; ended once, from any thread. */
public final class InferenceSpan {
  static final AttributeKey<String> MODEL = AttributeKey.stringKey("gen_ai.request.model");
  static final AttributeKey<Long> PROMPT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
  static final AttributeKey<Long> NEW_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
  static final AttributeKey<Long> BATCH_SIZE = AttributeKey.longKey("inference.batch_size");
  static final AttributeKey<Double> QUEUE_MS = AttributeKey.doubleKey("inference.queue_time_ms");
  static final AttributeKey<Double> RUN_MS = AttributeKey.doubleKey("inference.onnx_time_ms");

  private final Span span;
  private final ModelTelemetry model;
  private final AtomicBoolean ended = new AtomicBoolean();

  InferenceSpan(Span span, ModelTelemetry model) {
    this.span = span;
    this.model = model;
  }

  /** Ends the span with the inference's attributes and records them in the meters. */
  public void end(InferenceStats stats) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    model.recordInference(stats);
    if (span.isRecording()) {
      span.setAttribute(PROMPT_TOKENS, (long) stats.promptTokens())
          .setAttribute(NEW_TOKENS, (long) stats.newTokens())
          .setAttribute(BATCH_SIZE, (long) stats.batchSize())
          .setAttribute(QUEUE_MS, stats.queueNanos() / 1e6)
          .setAttribute(RUN_MS, stats.inferenceNanos() / 1e6);
    }
    span.end();
  }

  /** Ends the span as failed and counts the failure. */
  public void fail(Throwable error) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    model.recordFailure();
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    span.recordException(cause);
    span.setStatus(StatusCode.ERROR, String.valueOf(cause.getMessage()));
    span.end();
  }
}
