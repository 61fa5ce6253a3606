package io.inferencegraph.http;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * Opens an event stream and keeps it alive: the head and a comment line go out at once, and another
 * comment every interval (http.sse_heartbeat_ms), also while the request waits in a model's queue or
 * prefills, so that proxies and clients with idle timeouts keep the connection. The timer stops when
 * the response ends or the client goes.
 */
final class Heartbeat {
  static final String COMMENT = ": keep-alive\n\n";

  private Heartbeat() {}

  static void start(RoutingContext ctx, long intervalMs) {
    HttpServerResponse response = ctx.response();
    response.setChunked(true)
        .putHeader("Content-Type", EventStream.MEDIA_TYPE)
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no");
    response.write(COMMENT);
    long timer = ctx.vertx().setPeriodic(intervalMs, id -> {
      if (response.ended() || response.closed()) {
        ctx.vertx().cancelTimer(id);
      } else {
        response.write(COMMENT);
      }
    });
    ctx.addEndHandler(ended -> ctx.vertx().cancelTimer(timer));
  }
}
