package io.inferencegraph.telemetry;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Builds the OpenTelemetry SDK from the standard variables ({@code OTEL_EXPORTER_OTLP_ENDPOINT},
 * {@code OTEL_SERVICE_NAME}, {@code OTEL_TRACES_SAMPLER}, ... read by the SDK's autoconfiguration).
 * The OTLP exporter exists only when an endpoint (or an exporter) is configured; the recent-trace
 * buffer always gets the spans. No metrics or log exporters: metrics go to Prometheus.
 */
final class TracingSetup {
  private static final Map<String, String> DEFAULTS = Map.of(
      "otel.service.name", "inference-graph",
      "otel.metrics.exporter", "none",
      "otel.logs.exporter", "none");

  private TracingSetup() {}

  /** The SDK, or null when {@code OTEL_SDK_DISABLED=true}: then Vert.x gets no tracer at all. */
  static OpenTelemetrySdk build(Map<String, String> overrides, RecentTraces recent, List<SpanExporter> exporters) {
    AtomicBoolean disabled = new AtomicBoolean();
    OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(() -> DEFAULTS)
        .addPropertiesCustomizer(config -> {
          Map<String, String> properties = withExporterDefault(config, overrides);
          disabled.set(Boolean.parseBoolean(value(config, properties, "otel.sdk.disabled")));
          return properties;
        })
        .addSamplerCustomizer((sampler, config) -> new QuietPathsSampler(sampler))
        .addTracerProviderCustomizer((builder, config) -> processors(builder, recent, exporters))
        .disableShutdownHook()
        .build()
        .getOpenTelemetrySdk();
    if (disabled.get()) {
      sdk.close();
      return null;
    }
    return sdk;
  }

  private static Map<String, String> withExporterDefault(ConfigProperties config, Map<String, String> overrides) {
    Map<String, String> properties = new HashMap<>(overrides);
    boolean exporterChosen = value(config, properties, "otel.traces.exporter") != null;
    boolean endpointSet = value(config, properties, "otel.exporter.otlp.endpoint") != null
        || value(config, properties, "otel.exporter.otlp.traces.endpoint") != null;
    if (!exporterChosen && !endpointSet) {
      properties.put("otel.traces.exporter", "none");
    }
    return properties;
  }

  private static String value(ConfigProperties config, Map<String, String> overrides, String key) {
    return overrides.containsKey(key) ? overrides.get(key) : config.getString(key);
  }

  private static SdkTracerProviderBuilder processors(SdkTracerProviderBuilder builder, RecentTraces recent,
      List<SpanExporter> exporters) {
    builder.addSpanProcessor(recent);
    exporters.forEach(exporter -> builder.addSpanProcessor(SimpleSpanProcessor.create(exporter)));
    return builder;
  }
}
