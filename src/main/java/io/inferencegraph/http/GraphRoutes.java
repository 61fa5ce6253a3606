package io.inferencegraph.http;

import io.inferencegraph.api.Deadline;
import io.inferencegraph.api.ErrorCode;
import io.inferencegraph.api.GenerationParams;
import io.inferencegraph.api.ServiceException;
import io.inferencegraph.config.GraphConfig;
import io.inferencegraph.graph.GraphExecution;
import io.inferencegraph.graph.GraphListener;
import io.inferencegraph.graph.ModelCalls;
import io.inferencegraph.graph.plan.GraphDef;
import io.inferencegraph.telemetry.GraphTelemetry;
import io.vertx.core.Handler;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every declared graph over HTTP: {@code POST} at its own route and at {@code /graphs/NAME}, and
 * {@code GET /graphs} and {@code /graphs/NAME} to see them. A router holds one set of graphs; a
 * reload builds a new router, so running requests finish on the graphs they started with.
 */
final class GraphRoutes {
  static final String SKIPPED_HEADER = "X-Graph-Skipped";
  static final String DEFAULTED_HEADER = "X-Graph-Defaulted";

  private final GraphConfig config;
  private final ModelCalls calls;
  private final Map<String, GraphDef> graphs;
  private final GraphTelemetry telemetry;

  GraphRoutes(GraphConfig config, ModelCalls calls, GraphTelemetry telemetry) {
    this.config = config;
    this.calls = calls;
    this.telemetry = telemetry;
    this.graphs = config.graphs().stream().collect(Collectors.toUnmodifiableMap(GraphDef::name, Function.identity()));
  }

  /** {@code edge}: the handlers every inference request passes first (timeout, admission). */
  void mount(Router router, List<Handler<RoutingContext>> edge) {
    router.get("/graphs").handler(new TraceHeaders("/graphs")).handler(this::list);
    router.get("/graphs/:name").handler(new TraceHeaders("/graphs/:name")).handler(ctx -> describe(ctx, named(ctx.pathParam("name"))));
    for (GraphDef graph : graphs.values()) {
      post(router, graph.route(), edge, ctx -> run(ctx, graph));
    }
    post(router, "/graphs/:name", edge, ctx -> run(ctx, named(ctx.pathParam("name"))));
  }

  private void post(Router router, String path, List<Handler<RoutingContext>> edge, Handler<RoutingContext> run) {
    var route = router.post(path).handler(new TraceHeaders(path));
    edge.forEach(route::handler);
    route.handler(BodyHandler.create(false).setBodyLimit(config.http().maxBodyBytes())).handler(run);
  }

  private GraphDef named(String name) {
    GraphDef graph = graphs.get(name);
    if (graph == null) {
      throw new ServiceException(ErrorCode.NOT_FOUND, "no graph \"" + name + "\"; graphs: "
          + graphs.keySet().stream().sorted().toList());
    }
    return graph;
  }

  /**
   * Parse once at the edge, run the graph, answer (at once, or as events when the client accepts a
   * stream), or fail to the one failure handler. A client that goes away, or a request timed out at
   * the edge, cancels the run.
   */
  private void run(RoutingContext ctx, GraphDef graph) {
    GraphRequest request;
    Deadline deadline;
    try {
      request = GraphRequest.parse(ctx, graph, config.http().maxNewTokensLimit());
      deadline = RequestDeadline.of(ctx, config.http().requestTimeoutMs());
    } catch (ServiceException e) {
      ctx.fail(e);
      return;
    }
    EventStream stream = EventStream.wanted(ctx) ? new EventStream(ctx, graph.legacyEvents(),
        config.http().sseHeartbeatMs()) : null;
    GraphExecution run = new GraphExecution(graph, calls, request.id(), request.input(), GenerationParams.none(),
        config.generation(), request.params(), deadline, stream == null ? GraphListener.NONE : stream, telemetry);
    // Runs when the response is done or the connection closed first; a finished run ignores it.
    ctx.addEndHandler(ended -> run.cancel());
    run.answer().onComplete(done -> {
      telemetry.request(graph.name(), done.succeeded() ? "ok" : ErrorMapper.of(-1, done.cause()).code().type());
      if (done.failed()) {
        if (stream != null) {
          stream.fail(done.cause());
        } else {
          ctx.fail(done.cause());
        }
        return;
      }
      outcomes(ctx, run.outcomes());
      String body = Json.encode(done.result());
      if (stream != null) {
        stream.done(body);
      } else if (!ctx.response().ended()) { // the request timeout may have answered already
        ctx.response().putHeader("Content-Type", "application/json").end(body);
      }
    });
  }

  /** Which nodes failed but let the request go on (on_error skip or default), in headers. */
  private static void outcomes(RoutingContext ctx, Map<String, String> outcomes) {
    if (ctx.response().headWritten() || outcomes.isEmpty()) {
      return;
    }
    header(ctx, SKIPPED_HEADER, outcomes, "skipped");
    header(ctx, DEFAULTED_HEADER, outcomes, "defaulted");
  }

  private static void header(RoutingContext ctx, String name, Map<String, String> outcomes, String outcome) {
    String nodes = outcomes.entrySet().stream().filter(e -> e.getValue().equals(outcome)).map(Map.Entry::getKey)
        .sorted().collect(Collectors.joining(","));
    if (!nodes.isEmpty()) {
      ctx.response().putHeader(name, nodes);
    }
  }

  private void list(RoutingContext ctx) {
    JsonArray list = new JsonArray();
    graphs.values().stream().sorted(Comparator.comparing(GraphDef::name)).forEach(graph ->
        list.add(new JsonObject().put("name", graph.name()).put("route", graph.route())
            .put("input", new JsonObject(new LinkedHashMap<>(graph.input())))));
    json(ctx, new JsonObject().put("graphs", list));
  }

  private void describe(RoutingContext ctx, GraphDef graph) {
    json(ctx, new JsonObject().put("name", graph.name()).put("route", graph.route())
        .put("definition", graph.source()).put("mermaid", io.inferencegraph.graph.plan.Mermaid.of(graph)));
  }

  private static void json(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader("Content-Type", "application/json").end(body.encode());
  }
}
