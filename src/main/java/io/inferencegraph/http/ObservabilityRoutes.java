package io.inferencegraph.http;

import io.inferencegraph.api.ErrorCode;
import io.inferencegraph.api.ServiceException;
import io.inferencegraph.telemetry.Telemetry;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.regex.Pattern;

/**
 * What people and tools use to watch the graph: the page at {@code /} (with its assets), the
 * Prometheus scrape at {@code /metrics}, recent traces as JSON and the OpenAPI document.
 */
final class ObservabilityRoutes {
  private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");

  private ObservabilityRoutes() {}

  static void mount(Router router, Telemetry telemetry) {
    router.get("/").handler(ctx -> ctx.response().sendFile("webroot/index.html"));
    router.get("/assets/*").handler(StaticHandler.create("webroot/assets"));
    router.get("/openapi.json").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
        .sendFile("openapi.json"));
    router.get("/metrics").handler(PrometheusScrapingHandler.create(telemetry.registry()));
    router.get("/traces").handler(ctx -> json(ctx, new JsonObject().put("tracing", telemetry.tracing())
        .put("traces", telemetry.recentTraces().summaries())));
    router.get("/traces/:traceId").handler(ctx -> trace(ctx, telemetry));
  }

  private static void trace(RoutingContext ctx, Telemetry telemetry) {
    String id = ctx.pathParam("traceId");
    if (!TRACE_ID.matcher(id).matches()) {
      ctx.fail(ServiceException.invalid("traceId", "must be 32 lowercase hexadecimal digits"));
      return;
    }
    telemetry.recentTraces().trace(id).ifPresentOrElse(trace -> json(ctx, trace),
        () -> ctx.fail(new ServiceException(ErrorCode.TRACE_NOT_FOUND, telemetry.tracing()
            ? "trace " + id + " is not among the recent traces of this node (not sampled, or evicted)"
            : "tracing is off (OTEL_SDK_DISABLED)")));
  }

  private static void json(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader("Content-Type", "application/json").end(body.encode());
  }
}
