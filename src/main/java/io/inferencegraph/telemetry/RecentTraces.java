package io.inferencegraph.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The spans of the last few sampled traces ended on this node, kept in memory for {@code /traces}:
 * a bounded map (oldest trace dropped first) filled as spans end, read as JSON.
 */
public final class RecentTraces implements SpanProcessor {
  private final int maxTraces;
  private final int maxSpansPerTrace;
  private final Map<String, List<SpanData>> traces;

  public RecentTraces(int maxTraces, int maxSpansPerTrace) {
    this.maxTraces = maxTraces;
    this.maxSpansPerTrace = maxSpansPerTrace;
    this.traces = new LinkedHashMap<>(16, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, List<SpanData>> eldest) {
        return size() > RecentTraces.this.maxTraces;
      }
    };
  }

  @Override
  public void onEnd(ReadableSpan span) {
    if (!span.getSpanContext().isSampled()) {
      return;
    }
    SpanData data = span.toSpanData();
    synchronized (traces) {
      List<SpanData> spans = traces.computeIfAbsent(data.getTraceId(), id -> new ArrayList<>());
      if (spans.size() < maxSpansPerTrace) {
        spans.add(data);
      }
    }
  }

  /** The trace's spans on this node, sorted by start; empty if unknown or already evicted. */
  public Optional<JsonObject> trace(String traceId) {
    List<SpanData> spans;
    synchronized (traces) {
      List<SpanData> kept = traces.get(traceId);
      spans = kept == null ? null : List.copyOf(kept);
    }
    if (spans == null) {
      return Optional.empty();
    }
    List<SpanData> sorted = spans.stream().sorted(Comparator.comparingLong(SpanData::getStartEpochNanos)).toList();
    JsonArray array = new JsonArray();
    sorted.forEach(span -> array.add(json(span)));
    long start = sorted.get(0).getStartEpochNanos();
    long end = sorted.stream().mapToLong(SpanData::getEndEpochNanos).max().orElse(start);
    boolean complete = sorted.stream().anyMatch(span -> !span.getParentSpanContext().isValid());
    return Optional.of(new JsonObject().put("trace_id", traceId).put("complete", complete)
        .put("start_us", start / 1000).put("duration_ms", (end - start) / 1e6).put("spans", array));
  }

  /** The ids of the traces kept, newest last, with each one's root span name when it is here. */
  public JsonArray summaries() {
    JsonArray list = new JsonArray();
    synchronized (traces) {
      traces.forEach((id, spans) -> list.add(new JsonObject().put("trace_id", id).put("root", spans.stream()
          .filter(span -> !span.getParentSpanContext().isValid()).map(SpanData::getName).findFirst().orElse(null))));
    }
    return list;
  }

  private static JsonObject json(SpanData span) {
    JsonObject attributes = new JsonObject();
    span.getAttributes().forEach((AttributeKey<?> key, Object value) -> attributes.put(key.getKey(), value));
    JsonArray events = new JsonArray();
    for (EventData event : span.getEvents()) {
      events.add(new JsonObject().put("name", event.getName()).put("time_us", event.getEpochNanos() / 1000));
    }
    SpanContext parent = span.getParentSpanContext();
    return new JsonObject()
        .put("span_id", span.getSpanId())
        .put("parent_span_id", parent.isValid() ? parent.getSpanId() : null)
        .put("name", span.getName())
        .put("kind", span.getKind().name())
        .put("start_us", span.getStartEpochNanos() / 1000)
        .put("end_us", span.getEndEpochNanos() / 1000)
        .put("duration_ms", (span.getEndEpochNanos() - span.getStartEpochNanos()) / 1e6)
        .put("error", span.getStatus().getStatusCode() == StatusCode.ERROR)
        .put("attributes", attributes)
        .put("events", events);
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {}

  @Override
  public boolean isStartRequired() {
    return false;
  }

  @Override
  public boolean isEndRequired() {
    return true;
  }
}
