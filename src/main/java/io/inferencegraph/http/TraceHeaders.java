package io.inferencegraph.http;

import io.inferencegraph.telemetry.Telemetry;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;

/**
 * Names the request's server span after its route and echoes its trace in the response
 * ({@code traceparent}, and {@code x-trace-id} for people), refusals included. First in the chain.
 */
final class TraceHeaders implements PlatformHandler {
  static final String TRACE_ID = "x-trace-id";
  private final String route;

  TraceHeaders(String route) {
    this.route = route;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Telemetry.nameServerSpan(ctx.request().method().name(), route);
    String traceparent = Telemetry.traceparent();
    if (traceparent != null) {
      ctx.response().putHeader("traceparent", traceparent).putHeader(TRACE_ID, traceparent.substring(3, 35));
    }
    ctx.next();
  }
}
