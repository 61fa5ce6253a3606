package io.inferencegraph.http;

import io.inferencegraph.api.ErrorCode;
import io.inferencegraph.api.ServiceException;
import io.inferencegraph.config.InvalidConfigException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.function.Supplier;

/**
 * {@code POST /admin/reload}: reads the configuration again and applies it, answering what changed
 * or, for a configuration that cannot be used, every problem with its pointer (nothing changes).
 * Admin routes answer loopback clients only, unless {@code http.allow_remote_admin}.
 */
final class AdminRoutes {
  static final String RELOAD = "/admin/reload";

  private AdminRoutes() {}

  /** {@code reload}: applies the configuration read again; fails with {@link InvalidConfigException} when refused. */
  static void mount(Router router, boolean allowRemote, Supplier<Future<JsonObject>> reload) {
    router.post(RELOAD).handler(new TraceHeaders(RELOAD)).handler(ctx -> {
      if (!allowRemote && !loopback(ctx.request().remoteAddress())) {
        ctx.fail(new ServiceException(ErrorCode.FORBIDDEN, RELOAD + " answers only clients on this host "
            + "(set http.allow_remote_admin to open it)"));
        return;
      }
      Context here = ctx.vertx().getOrCreateContext();
      // the reload completes on the main verticle's context: answer from this one
      reload.get().onComplete(done -> here.runOnContext(ignored -> answer(ctx, done)));
    });
  }

  private static void answer(RoutingContext ctx, AsyncResult<JsonObject> done) {
    if (done.succeeded()) {
      json(ctx, 200, done.result());
    } else if (done.cause() instanceof InvalidConfigException invalid) {
      json(ctx, ErrorMapper.status(invalid.code()), ErrorMapper.body(invalid).put("problems", invalid.problemsJson()));
    } else {
      ctx.fail(done.cause());
    }
  }

  /** A numeric address in the loopback range (127.0.0.0/8, ::1); anything else, or none, is remote. */
  static boolean loopback(SocketAddress address) {
    if (address == null || address.hostAddress() == null || address.hostAddress().isEmpty()) {
      return false;
    }
    try {
      // a numeric literal: no name lookup happens
      return InetAddress.getByName(address.hostAddress()).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }
}
