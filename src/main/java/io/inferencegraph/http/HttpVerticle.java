package io.inferencegraph.http;

import io.inferencegraph.api.ErrorCode;
import io.inferencegraph.api.ServiceException;
import io.inferencegraph.bus.BusCodecs;
import io.inferencegraph.cluster.ClusterNode;
import io.inferencegraph.config.GraphConfig;
import io.inferencegraph.config.ModelConfig;
import io.inferencegraph.graph.plan.GraphDef;
import io.inferencegraph.graph.ModelCalls;
import io.inferencegraph.graph.Retries;
import io.inferencegraph.telemetry.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.TimeoutHandler;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The HTTP edge: every declared graph at its route and under /graphs, the OpenAI-compatible door,
 * health endpoints that report on the process and on every model's availability. Refuses work
 * beyond the in-flight cap at once. {@link #reload} swaps in new graphs without a restart;
 * {@code POST /admin/reload} asks for one.
 */
public final class HttpVerticle extends VerticleBase {
  private final Supplier<JsonObject> clusterStatus;
  private final Supplier<Future<JsonObject>> reloads;
  private final AtomicReference<Router> router = new AtomicReference<>();
  /** The requests the current router has taken; touched on this verticle's event loop only. */
  private RoutedRequests routed;
  private Future<Void> retiredDrained = Future.succeededFuture();
  private volatile GraphConfig config;
  private volatile Readiness readiness;
  private ModelCalls calls;
  private AdmissionHandler admission;
  private HttpServer server;
  private volatile boolean draining;
  /** Shutting down: /readyz answers 503 so that load balancers stop sending, while requests are still served. */
  private volatile boolean leaving;

  /** {@code clusterStatus}: the node's cluster membership for /readyz, null when not clustered. */
  public HttpVerticle(GraphConfig config, Supplier<JsonObject> clusterStatus) {
    this(config, clusterStatus, () -> Future.failedFuture(new ServiceException(ErrorCode.INTERNAL,
        "this server cannot reload its configuration")));
  }

  /**
   * {@code reloads}: what {@code POST /admin/reload} runs (read the configuration again and apply it,
   * this verticle's {@link #reload} included), answering what changed.
   */
  public HttpVerticle(GraphConfig config, Supplier<JsonObject> clusterStatus, Supplier<Future<JsonObject>> reloads) {
    this.config = config;
    this.clusterStatus = clusterStatus;
    this.reloads = reloads;
  }

  @Override
  public Future<?> start() {
    BusCodecs.register(vertx);
    calls = new ModelCalls(vertx.eventBus(), config.busTimeoutMs(), retries(config));
    admission = new AdmissionHandler(config.http().maxInFlight(), () -> draining);
    Telemetry.of(vertx).inFlight(admission::inFlight);
    use(config);
    server = vertx.createHttpServer(new HttpServerOptions().setHost(config.http().host()))
        .requestHandler(request -> router.get().handle(request));
    return server.listen(config.http().port());
  }

  /**
   * Serves {@code next}'s graphs from now on: requests already routed finish on the graphs they
   * started with. The HTTP settings (port, limits) stay as they were at start.
   */
  public Future<Void> reload(GraphConfig next) {
    return Future.future(done -> context.runOnContext(ignored -> {
      RoutedRequests before = routed;
      use(next);
      retiredDrained = Future.join(retiredDrained, before.retire()).mapEmpty();
      done.complete();
    }));
  }

  /** Completes once every request routed before the last {@link #reload} has ended. */
  public Future<Void> oldRequestsDone() {
    return Future.future(done -> context.runOnContext(ignored -> retiredDrained.onComplete(done)));
  }

  private void use(GraphConfig next) {
    readiness = new Readiness(vertx.eventBus(), next.models().stream().map(ModelConfig::name).toList(), clusterStatus);
    config = next;
    routed = new RoutedRequests();
    router.set(router());
  }

  /** The port actually bound (useful with port 0 in tests). */
  public int port() {
    return server.actualPort();
  }

  /** The first step of a shutdown: /readyz answers 503 from now on; requests are still served. */
  public void unready() {
    leaving = true;
  }

  /** Stops taking requests, lets those in flight finish (up to shutdown.drain_timeout_ms), then closes. */
  @Override
  public Future<?> stop() {
    leaving = true;
    draining = true;
    return server.shutdown(config.shutdown().drainTimeoutMs(), TimeUnit.MILLISECONDS);
  }

  /** Package-private so that a test can check /openapi.json against the routes. */
  Router router() {
    Router router = Router.router(vertx);
    // First on the router, so that no other handler (body, admission) runs for a refused request.
    AccessControl access = new AccessControl(config.http().access(), Telemetry.of(vertx).registry());
    access.mount(router, config.graphs().stream().map(GraphDef::route).toList());
    List<Handler<RoutingContext>> edge = List.of(TimeoutHandler.create(config.http().requestTimeoutMs(), 504),
        admission);
    long bodyLimit = config.http().maxBodyBytes();
    router.route().handler(ctx -> ctx.put(ErrorMapper.BODY_LIMIT, bodyLimit).next());
    // before the count: a reload's own request must not wait for itself to end
    AdminRoutes.mount(router, config.http().allowRemoteAdmin(), reloads);
    if (routed != null) {
      router.route().handler(routed);
    }
    router.get("/livez").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "alive")));
    router.get("/readyz").handler(this::ready);
    router.get("/healthz").handler(this::ready);
    new GraphRoutes(config, calls, Telemetry.of(vertx).graphs()).mount(router, edge);
    new OpenAiRoutes(config, calls, Telemetry.of(vertx).graphs()).mount(router, edge.get(0), admission);
    ObservabilityRoutes.mount(router, Telemetry.of(vertx));
    router.route().failureHandler(ErrorMapper::handle);
    // No route matched: vert.x-web answers these itself, through the same mapper.
    router.errorHandler(404, HttpVerticle::unmatched);
    router.errorHandler(405, HttpVerticle::unmatched);
    return router;
  }

  private static void unmatched(RoutingContext ctx) {
    Telemetry.unmatched(ctx.request());
    ErrorMapper.handleByPath(ctx);
  }

  private void ready(RoutingContext ctx) {
    readiness.check().onSuccess(status -> {
      boolean ready = status.getBoolean("ready") && !leaving;
      status.put("status", ready ? "ready" : leaving ? "shutting_down" : "not_ready");
      if (ready) {
        json(ctx, 200, status);
        return;
      }
      ServiceException notReady = new ServiceException(ErrorCode.NOT_READY, leaving ? "the server is shutting down"
          : status.getJsonArray("missing").isEmpty() ? "this node is not joined to the cluster"
          : "no node serves " + status.getJsonArray("missing").encode());
      json(ctx, ErrorMapper.status(notReady.code()), status.mergeIn(ErrorMapper.body(notReady)));
    });
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  /** Calls are sent again only across a cluster, where another node may serve the model. */
  private Retries retries(GraphConfig config) {
    ClusterNode node = ClusterNode.of(vertx);
    return node == null ? Retries.NONE
        : new Retries(config.cluster().retries(), Telemetry.of(vertx).graphs()::retried, node::rerouted);
  }
}
