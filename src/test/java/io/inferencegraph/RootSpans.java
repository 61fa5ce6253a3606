package io.inferencegraph;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** An exporter that tells when the root span of a trace (the HTTP server span, which ends last) is exported. */
final class RootSpans implements SpanExporter {
  private final Map<String, Promise<Void>> roots = new HashMap<>();

  /** Completes once the root span of {@code traceId} has been exported, at once if it already was. */
  synchronized Future<Void> exported(String traceId) {
    return roots.computeIfAbsent(traceId, id -> Promise.promise()).future();
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    for (SpanData span : spans) {
      if (!span.getParentSpanContext().isValid()) {
        promise(span.getTraceId()).tryComplete();
      }
    }
    return CompletableResultCode.ofSuccess();
  }

  private synchronized Promise<Void> promise(String traceId) {
    return roots.computeIfAbsent(traceId, id -> Promise.promise());
  }

  @Override
  public CompletableResultCode flush() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode shutdown() {
    return CompletableResultCode.ofSuccess();
  }
}
