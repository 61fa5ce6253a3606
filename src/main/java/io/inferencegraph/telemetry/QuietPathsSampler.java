package io.inferencegraph.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.util.List;
import java.util.Set;

/**
 * Drops the traces of probes, scrapes and the page's own reads (a new server span on one of those
 * paths), so that they neither cost an export nor push real requests out of the recent-trace
 * buffer; everything else goes to the configured sampler.
 */
final class QuietPathsSampler implements Sampler {
  private static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
  private static final Set<String> QUIET = Set.of("/", "/livez", "/readyz", "/healthz", "/metrics", "/openapi.json",
      "/favicon.ico");
  private static final List<String> QUIET_PREFIXES = List.of("/traces", "/assets/");

  private final Sampler delegate;

  QuietPathsSampler(Sampler delegate) {
    this.delegate = delegate;
  }

  @Override
  public SamplingResult shouldSample(Context parent, String traceId, String name, SpanKind kind,
      Attributes attributes, List<LinkData> links) {
    if (kind == SpanKind.SERVER && !Span.fromContext(parent).getSpanContext().isValid()
        && quiet(attributes.get(URL_PATH))) {
      return SamplingResult.drop();
    }
    return delegate.shouldSample(parent, traceId, name, kind, attributes, links);
  }

  static boolean quiet(String path) {
    return path != null && (QUIET.contains(path) || QUIET_PREFIXES.stream().anyMatch(path::startsWith));
  }

  @Override
  public String getDescription() {
    return "QuietPaths{" + delegate.getDescription() + "}";
  }
}
