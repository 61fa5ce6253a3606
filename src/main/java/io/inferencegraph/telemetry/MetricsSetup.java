package io.inferencegraph.telemetry;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.VertxOptions;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Prometheus registry and the Vert.x metrics that feed it: HTTP server requests by route,
 * method and status (latency as a histogram), event-bus traffic by address, JVM memory and threads.
 */
final class MetricsSetup {
  /** Latency buckets shared by the HTTP and inference histograms: 1 ms to 2 minutes. */
  static final Duration[] LATENCY_BUCKETS = {
      Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
      Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
      Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
      Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120)};
  /** The route label of a request no endpoint took. */
  static final String UNMATCHED = "unmatched";
  private static final String ROUTE = "route";
  // Vert.x micrometer keeps one backend per registry name for the whole JVM: a name per instance.
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MicrometerMetricsOptions options = new MicrometerMetricsOptions()
      .setEnabled(true)
      .setRegistryName("inference-graph-" + INSTANCES.incrementAndGet())
      .setJvmMetricsEnabled(true)
      .addLabels(Label.HTTP_ROUTE, Label.EB_ADDRESS);

  MetricsSetup() {
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        String route = id.getTag(ROUTE);
        return route == null ? id : id.withTag(Tag.of(ROUTE, endpoint(route)));
      }

      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        if (id.getName().equals("vertx.http.server.response.time")) {
          return DistributionStatisticConfig.builder().serviceLevelObjectives(nanos(LATENCY_BUCKETS)).build()
              .merge(config);
        }
        return config;
      }
    });
  }

  /** Vert.x metrics into our registry, whatever metrics options the Vert.x builder was given. */
  VertxMetricsFactory factory() {
    MicrometerMetricsFactory micrometer = new MicrometerMetricsFactory(registry);
    return vertxOptions -> micrometer.metrics(new VertxOptions().setMetricsOptions(options));
  }

  /**
   * vert.x-web reports every route a request matched, joined by '>' (a key check's "/v1/*", then
   * "/v1/completions", then that route again for its failure handler): the label is the last, the
   * endpoint; none (a 404 or 405 no route took) is {@value #UNMATCHED}, never the raw path.
   */
  static String endpoint(String routes) {
    String last = routes.substring(routes.lastIndexOf('>') + 1);
    return last.isEmpty() ? UNMATCHED : last;
  }

  private static double[] nanos(Duration[] durations) {
    double[] nanos = new double[durations.length];
    for (int i = 0; i < durations.length; i++) {
      nanos[i] = durations[i].toNanos();
    }
    return nanos;
  }
}
