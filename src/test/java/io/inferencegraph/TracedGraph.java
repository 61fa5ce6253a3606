package io.inferencegraph;

import io.inferencegraph.telemetry.Telemetry;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.Map;

/**
 * The service as shipped on a Vert.x built the way Main builds it, through {@link Telemetry}, with
 * every span also going to an in-memory exporter. Sampling and exporter are pinned so that OTEL_*
 * variables in the environment cannot change the tests.
 */
public final class TracedGraph {
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final Telemetry telemetry = Telemetry.create(
      Map.of("otel.traces.sampler", "parentbased_always_on", "otel.traces.exporter", "none"), List.of(spans));
  private final Vertx vertx = telemetry.attach(telemetry.configure(Vertx.builder()).build());
  private int port;

  public Future<TracedGraph> start() {
    return TestGraphs.deploy(vertx, TestGraphs.config(new JsonObject())).map(main -> {
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

  /** Every span exported so far, once the trace's root (the HTTP server span, which ends last) is among them. */
  public Future<List<SpanData>> exported(String traceId) {
    Promise<List<SpanData>> done = Promise.promise();
    long started = System.currentTimeMillis();
    vertx.setPeriodic(20, timer -> {
      List<SpanData> finished = spans.getFinishedSpanItems();
      if (finished.stream().anyMatch(s -> s.getTraceId().equals(traceId) && !s.getParentSpanContext().isValid())) {
        vertx.cancelTimer(timer);
        done.complete(finished);
      } else if (System.currentTimeMillis() - started > 5000) {
        vertx.cancelTimer(timer);
        done.fail("the root span of " + traceId + " was not exported within 5 s");
      }
    });
    return done.future();
  }

  public Future<Void> close() {
    return vertx.close().eventually(() -> {
      telemetry.close();
      return Future.succeededFuture();
    });
  }
}
