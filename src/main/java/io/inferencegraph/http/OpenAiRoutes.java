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
import io.inferencegraph.graph.plan.Node;
import io.inferencegraph.graph.plan.Ref;
import io.inferencegraph.graph.plan.Template;
import io.inferencegraph.telemetry.GraphTelemetry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The OpenAI-compatible door on the generators: {@code GET /v1/models} and
 * {@code POST /v1/completions} (streaming or not), served by the same batches as the graph, with
 * OpenAI's answer and error shapes.
 */
final class OpenAiRoutes {
  private final GraphConfig config;
  private final ModelCalls calls;
  private final GraphTelemetry telemetry;
  private final List<String> generators;
  /** A completion is a one-node graph per generator, made once. */
  private final Map<String, GraphDef> completions;
  private final long created = System.currentTimeMillis() / 1000;

  OpenAiRoutes(GraphConfig config, ModelCalls calls, GraphTelemetry telemetry) {
    this.config = config;
    this.calls = calls;
    this.telemetry = telemetry;
    this.generators = config.generatorNames();
    this.completions = generators.stream().collect(Collectors.toMap(model -> model, OpenAiRoutes::completion));
  }

  /** {@code edge}: the handlers every inference request passes first (timeout, admission). */
  void mount(Router router, Handler<RoutingContext> timeout, Handler<RoutingContext> admission) {
    router.get("/v1/models").handler(new TraceHeaders("/v1/models")).handler(this::models)
        .failureHandler(ErrorMapper::handleOpenAi);
    router.get("/v1/models/:model").handler(new TraceHeaders("/v1/models/:model")).handler(this::model)
        .failureHandler(ErrorMapper::handleOpenAi);
    router.post("/v1/completions").handler(new TraceHeaders("/v1/completions")).handler(timeout).handler(admission)
        .handler(BodyHandler.create(false).setBodyLimit(config.http().maxBodyBytes()))
        .handler(this::completions)
        .failureHandler(ErrorMapper::handleOpenAi);
  }

  private void models(RoutingContext ctx) {
    JsonArray data = new JsonArray();
    generators.forEach(model -> data.add(modelObject(model)));
    ctx.response().putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("object", "list").put("data", data).encode());
  }

  private void model(RoutingContext ctx) {
    String model = ctx.pathParam("model");
    if (!generators.contains(model)) {
      ctx.fail(new ServiceException(ErrorCode.MODEL_NOT_FOUND, "The model '" + model + "' does not exist; models: "
          + generators, "model", null));
      return;
    }
    ctx.response().putHeader("Content-Type", "application/json").end(modelObject(model).encode());
  }

  private JsonObject modelObject(String model) {
    return new JsonObject().put("id", model).put("object", "model").put("created", created)
        .put("owned_by", "inference-graph");
  }

  private void completions(RoutingContext ctx) {
    CompletionRequest request;
    Deadline deadline;
    try {
      String type = ctx.request().getHeader("Content-Type");
      if (type != null && !type.toLowerCase().contains("json")) {
        throw new ServiceException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "the body must be JSON (Content-Type: "
            + "application/json), got " + type);
      }
      request = CompletionRequest.parse(ctx.body().asString("UTF-8"), generators, config.generation(),
          config.http().maxNewTokensLimit());
      deadline = RequestDeadline.of(ctx, config.http().requestTimeoutMs());
    } catch (RuntimeException e) {
      ctx.fail(e);
      return;
    }
    CompletionStream stream = request.stream()
        ? new CompletionStream(ctx, request, config.http().sseHeartbeatMs()) : null;
    List<GraphExecution> runs = new ArrayList<>();
    List<Future<JsonObject>> answers = new ArrayList<>();
    for (int p = 0; p < request.prompts().size(); p++) {
      GraphExecution run = run(request, p, deadline, stream);
      runs.add(run);
      answers.add(answer(run, p, stream));
    }
    ctx.addEndHandler(ended -> runs.forEach(GraphExecution::cancel));
    Future.all(answers).onComplete(done -> {
      if (done.failed()) {
        runs.forEach(GraphExecution::cancel);
        if (stream != null) {
          stream.fail(done.cause());
        } else {
          ctx.fail(done.cause());
        }
      } else if (stream != null) {
        stream.done();
      } else if (!ctx.response().ended()) {
        ctx.response().putHeader("Content-Type", "application/json")
            .end(Completions.toJson(request, done.result().list()).encode());
      }
    });
  }

  /** Prompt {@code p}'s run: the one-node graph over it, with its own request id when there are several. */
  private GraphExecution run(CompletionRequest request, int p, Deadline deadline, CompletionStream stream) {
    String id = request.prompts().size() == 1 ? request.id() : request.id() + "-" + p;
    JsonObject input = new JsonObject().put("prompt", request.prompts().get(p));
    GraphExecution run = new GraphExecution(completions.get(request.model()), calls, id, input,
        CompletionRequest.OPENAI_BASE, GenerationParams.none(), request.params(), deadline,
        stream == null ? GraphListener.NONE : stream.prompt(p), telemetry);
    if (stream != null) {
      stream.attach(p, run);
    }
    return run;
  }

  /** A streamed prompt's run cancelled because stop strings ended all its choices has answered in full. */
  private static Future<JsonObject> answer(GraphExecution run, int p, CompletionStream stream) {
    return run.answer().map(JsonObject.class::cast)
        .recover(error -> stream != null && stream.finished(p) ? Future.succeededFuture(null)
            : Future.failedFuture(error));
  }

  /** A completion is the one-node graph: the model continues the prompt; the answer is its output. */
  private static GraphDef completion(String model) {
    Node.Generate node = new Node.Generate("completion", model, new Template.Reference(
        new Ref(Ref.Root.INPUT, List.of("prompt"))), GenerationParams.none(), true, Node.Common.DEFAULT);
    return new GraphDef("completion", "/v1/completions", Map.of("prompt", "string"), Map.of("completion", node),
        new Template.Reference(new Ref(Ref.Root.NODES, List.of("completion"))), false, new JsonObject());
  }
}
