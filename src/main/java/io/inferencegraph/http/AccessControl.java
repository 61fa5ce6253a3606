package io.inferencegraph.http;

import io.inferencegraph.api.ErrorCode;
import io.inferencegraph.api.ServiceException;
import io.inferencegraph.config.AccessConfig;
import io.inferencegraph.config.ApiKeys;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may call what, checked before any other handler: an API key ({@code Authorization: Bearer KEY})
 * on the inference routes, the admin key and the loopback rule on the admin routes. A refusal fails
 * the request with 401 (or 403 off loopback) through {@link ErrorMapper}, and is counted in
 * {@code graph_http_refused_total{scope, reason}}. /livez, /readyz, the page and /openapi.json stay open.
 */
public final class AccessControl {
  private static final Logger LOG = LoggerFactory.getLogger(AccessControl.class);
  /** Path patterns of the inference routes that take an API key; /v1 answers in OpenAI's shape. */
  static final List<String> API_PATHS = List.of("/classify_generated_texts", "/graphs/*");
  static final String OPENAI_PATH = "/v1/*";
  /** Path patterns of the admin routes; a later admin route belongs under /admin. */
  static final List<String> ADMIN_PATHS = List.of("/metrics", "/traces/*", "/admin/*");

  private final AccessConfig config;
  private final Check api;
  private final Check admin;

  public AccessControl(AccessConfig config, MeterRegistry registry) {
    this.config = config;
    this.api = new Check("api", config.apiKeys(), false, registry);
    this.admin = new Check("admin", config.adminKeys(), config.adminLoopbackOnly(), registry);
  }

  /** Mounts the checks ahead of the routes they guard; call on a fresh router, before any route. */
  public void mount(Router router) {
    mount(router, List.of());
  }

  /** As {@link #mount(Router)}, the API key also guarding {@code graphRoutes} (declared graphs' own routes). */
  public void mount(Router router, List<String> graphRoutes) {
    if (!config.apiKeys().isEmpty()) {
      API_PATHS.forEach(path -> router.route(path).handler(api));
      graphRoutes.stream().filter(route -> !API_PATHS.contains(route)).forEach(route -> router.route(route).handler(api));
      router.route(OPENAI_PATH).handler(api).failureHandler(ErrorMapper::handleOpenAi);
    }
    if (!config.adminKeys().isEmpty() || config.adminLoopbackOnly()) {
      ADMIN_PATHS.forEach(path -> router.route(path).handler(admin));
    }
  }

  /**
   * The API-key check as a handler, for inference routes outside {@link #API_PATHS}: put it first
   * in the route's chain. With no API key configured it passes every request.
   */
  public Handler<RoutingContext> apiKeyCheck() {
    return api;
  }

  /** One scope's check: loopback (if asked), then a key (if any is configured). */
  private static final class Check implements Handler<RoutingContext> {
    private final String scope;
    private final ApiKeys keys;
    private final boolean loopbackOnly;
    private final Map<String, Counter> refused;

    Check(String scope, ApiKeys keys, boolean loopbackOnly, MeterRegistry registry) {
      this.scope = scope;
      this.keys = keys;
      this.loopbackOnly = loopbackOnly;
      this.refused = Map.of("missing_key", counter(registry, "missing_key"), "wrong_key",
          counter(registry, "wrong_key"), "not_loopback", counter(registry, "not_loopback"));
    }

    @Override
    public void handle(RoutingContext ctx) {
      if (loopbackOnly && !fromLoopback(ctx.request().remoteAddress())) {
        refuse(ctx, "not_loopback", new ServiceException(ErrorCode.FORBIDDEN,
            ctx.normalizedPath() + " is served only to clients on this host"));
      } else if (!keys.isEmpty()) {
        String token = bearer(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
        if (token == null) {
          refuse(ctx, "missing_key", new ServiceException(ErrorCode.UNAUTHORIZED,
              "this route needs an " + (scope.equals("admin") ? "admin" : "API") + " key: Authorization: Bearer KEY"));
        } else if (!keys.matches(token)) {
          refuse(ctx, "wrong_key", new ServiceException(ErrorCode.UNAUTHORIZED, "the key is not valid here"));
        } else {
          ctx.next();
        }
      } else {
        ctx.next();
      }
    }

    private void refuse(RoutingContext ctx, String reason, ServiceException error) {
      refused.get(reason).increment();
      // Never the key: only what was refused, from where, and why.
      LOG.debug("refused {} {} from {}: {}", ctx.request().method(), ctx.normalizedPath(),
          ctx.request().remoteAddress(), reason);
      ctx.fail(error);
    }

    private Counter counter(MeterRegistry registry, String reason) {
      return Counter.builder("graph.http.refused").tag("scope", scope).tag("reason", reason)
          .description("Requests refused by the API-key or loopback check").register(registry);
    }
  }

  /** The token of {@code Bearer TOKEN} (the scheme in any case), or null. */
  static String bearer(String authorization) {
    if (authorization == null || authorization.length() < 7
        || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = authorization.substring(7).trim();
    return token.isEmpty() ? null : token;
  }

  private static boolean fromLoopback(SocketAddress remote) {
    if (remote == null || remote.hostAddress() == null) {
      return false;
    }
    try {
      // An address literal: no name lookup happens here.
      return InetAddress.getByName(remote.hostAddress()).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
