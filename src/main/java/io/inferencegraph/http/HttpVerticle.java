package io.inferencegraph.http;

import io.inferencegraph.api.Deadline;
import io.inferencegraph.api.ErrorCode;
import io.inferencegraph.api.ServiceException;
import io.inferencegraph.bus.BusCodecs;
import io.inferencegraph.config.GraphConfig;
import io.inferencegraph.graph.GraphRun;
import io.inferencegraph.graph.InferenceGraph;
import io.inferencegraph.telemetry.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.TimeoutHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The HTTP edge: {@code POST /classify_generated_texts} runs the graph; health endpoints report on
 * the process and on every model's availability. Refuses work beyond the in-flight cap at once.
 */
public final class HttpVerticle extends VerticleBase {
  private static final long DRAIN_TIMEOUT_SECONDS = 60;

  private final GraphConfig config;
  private final Supplier<JsonObject> clusterStatus;
  private InferenceGraph graph;
  private Readiness readiness;
  private HttpServer server;
  private volatile boolean draining;

  /** {@code clusterStatus}: the node's cluster membership for /readyz, null when not clustered. */
  public HttpVerticle(GraphConfig config, Supplier<JsonObject> clusterStatus) {
    this.config = config;
    this.clusterStatus = clusterStatus;
  }

  @Override
  public Future<?> start() {
    BusCodecs.register(vertx);
    graph = new InferenceGraph(vertx.eventBus(), config.generatorNames(), config.classifier().name(),
        config.busTimeoutMs());
    List<String> models = new ArrayList<>(config.generatorNames());
    models.add(config.classifier().name());
    readiness = new Readiness(vertx.eventBus(), models, clusterStatus);
    server = vertx.createHttpServer(new HttpServerOptions().setHost(config.http().host()))
        .requestHandler(router());
    return server.listen(config.http().port());
  }

  /** The port actually bound (useful with port 0 in tests). */
  public int port() {
    return server.actualPort();
  }

  /** Stops taking requests, lets the ones in flight finish, then closes the server. */
  @Override
  public Future<?> stop() {
    draining = true;
    return server.shutdown(DRAIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  /** Package-private so that a test can check /openapi.json against the routes. */
  Router router() {
    Router router = Router.router(vertx);
    // First on the router, so that no other handler (body, admission) runs for a refused request.
    AccessControl access = new AccessControl(config.http().access(), Telemetry.of(vertx).registry());
    access.mount(router);
    AdmissionHandler admission = new AdmissionHandler(config.http().maxInFlight(), () -> draining);
    Telemetry.of(vertx).inFlight(admission::inFlight);
    router.post("/classify_generated_texts")
        .handler(new TraceHeaders("/classify_generated_texts"))
        .handler(TimeoutHandler.create(config.http().requestTimeoutMs(), 504))
        .handler(admission)
        .handler(BodyHandler.create(false).setBodyLimit(config.http().maxBodyBytes()))
        .handler(this::classifyGeneratedTexts);
    router.get("/livez").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "alive")));
    router.get("/readyz").handler(this::ready);
    router.get("/healthz").handler(this::ready);
    new OpenAiRoutes(config, graph).mount(router, TimeoutHandler.create(config.http().requestTimeoutMs(), 504),
        admission);
    ObservabilityRoutes.mount(router, Telemetry.of(vertx));
    router.route().failureHandler(ErrorMapper::handle);
    // No route matched: vert.x-web answers these itself, through the same mapper.
    router.errorHandler(404, ErrorMapper::handle);
    router.errorHandler(405, ErrorMapper::handle);
    return router;
  }

  /**
   * The straight line: parse once at the edge, run the graph, answer (at once, or as events when
   * the client accepts a stream), or fail to the one failure handler. A client that goes away, or
   * a request timed out at the edge, cancels the run.
   */
  private void classifyGeneratedTexts(RoutingContext ctx) {
    GraphRequest request;
    Deadline deadline;
    try {
      request = GraphRequest.parse(ctx, config.generation(), config.http().maxNewTokensLimit());
      deadline = RequestDeadline.of(ctx, config.http().requestTimeoutMs());
    } catch (ServiceException e) {
      ctx.fail(e);
      return;
    }
    EventStream stream = EventStream.wanted(ctx) ? new EventStream(ctx) : null;
    GraphRun run = graph.start(request.id(), request.text(), request.params(), deadline, stream);
    // Runs when the response is done or the connection closed first; a finished run ignores it.
    ctx.addEndHandler(ended -> run.cancel());
    if (stream != null) {
      run.answers().onSuccess(answers -> stream.done(Answers.toJson(answers))).onFailure(stream::fail);
    } else {
      run.answers().onSuccess(answers -> answer(ctx, Answers.toJson(answers))).onFailure(ctx::fail);
    }
  }

  private static void answer(RoutingContext ctx, JsonArray answers) {
    // The request timeout may have answered already.
    if (!ctx.response().ended()) {
      ctx.response().putHeader("Content-Type", "application/json").end(answers.encode());
    }
  }

  private void ready(RoutingContext ctx) {
    readiness.check().onSuccess(status -> {
      boolean ready = status.getBoolean("ready") && !draining;
      status.put("status", ready ? "ready" : draining ? "shutting_down" : "not_ready");
      if (ready) {
        json(ctx, 200, status);
        return;
      }
      ServiceException notReady = new ServiceException(ErrorCode.NOT_READY, draining ? "the server is shutting down"
          : status.getJsonArray("missing").isEmpty() ? "this node is not joined to the cluster"
          : "no node serves " + status.getJsonArray("missing").encode());
      json(ctx, ErrorMapper.status(notReady.code()), status.mergeIn(ErrorMapper.body(notReady)));
    });
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }
}
