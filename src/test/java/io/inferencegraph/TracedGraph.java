package io.inferencegraph;

import io.inferencegraph.telemetry.Telemetry;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The service as shipped on a Vert.x built the way Main builds it, through {@link Telemetry}, with
 * every span also going to an in-memory exporter. Sampling and exporter are pinned so that OTEL_*
 * variables in the environment cannot change the tests.
 */
public final class TracedGraph {
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final RootSpans roots = new RootSpans();
  private final Telemetry telemetry = Telemetry.create(
      Map.of("otel.traces.sampler", "parentbased_always_on", "otel.traces.exporter", "none"), List.of(spans, roots));
  private final Vertx vertx = telemetry.attach(telemetry.configure(Vertx.builder()).build());
  private int port;

  public Future<TracedGraph> start() {
    return start(new JsonObject());
  }

  /** As {@link #start()}, with {@code overrides} merged over conf/config.json (more graphs, say). */
  public Future<TracedGraph> start(JsonObject overrides) {
    return TestGraphs.deploy(vertx, TestGraphs.config(overrides)).map(main -> {
      port = main.httpPort();
      return this;
    });
  }

  public Vertx vertx() {
    return vertx;
  }

  public int port() {
    return port;
  }

  public InMemorySpanExporter spans() {
    return spans;
  }

  /** The seed's request as JSON, with a small max_new_tokens. */
  public Future<HttpResponse<Buffer>> post(WebClient client) {
    return client.post(port, "localhost", "/classify_generated_texts").putHeader("Content-Type", "application/json")
        .sendJsonObject(new JsonObject().put("text", "I have an idea!")
            .put("parameters", new JsonObject().put("max_new_tokens", 16)));
  }

  /**
   * Every span exported so far, once the trace's root (the HTTP server span, which ends last) is
   * among them: spans are exported as they end, so by then the whole trace is.
   */
  public Future<List<SpanData>> exported(String traceId) {
    return roots.exported(traceId).timeout(5, TimeUnit.SECONDS).map(root -> spans.getFinishedSpanItems());
  }

  public Future<Void> close() {
    return vertx.close().eventually(() -> {
      telemetry.close();
      return Future.succeededFuture();
    });
  }
}
