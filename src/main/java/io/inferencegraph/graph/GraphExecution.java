package io.inferencegraph.graph;

import io.inferencegraph.api.Deadline;
import io.inferencegraph.api.ErrorCode;
import io.inferencegraph.api.GenerationParams;
import io.inferencegraph.api.ServiceException;
import io.inferencegraph.api.TokenPrompt;
import io.inferencegraph.bus.Addresses;
import io.inferencegraph.bus.ClassifyReply;
import io.inferencegraph.bus.ClassifyRequest;
import io.inferencegraph.bus.GenerateEvent;
import io.inferencegraph.bus.GenerateRequest;
import io.inferencegraph.graph.plan.GraphDef;
import io.inferencegraph.graph.plan.Node;
import io.inferencegraph.graph.plan.Ref;
import io.inferencegraph.graph.plan.Template;
import io.inferencegraph.telemetry.GraphTelemetry;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.vertx.core.Future;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One request through a declared graph. A node is a future composed from the futures of the nodes it
 * references, made once when first needed: the output needs some nodes, they need theirs, and nodes
 * whose inputs are ready run in parallel; a node nothing needs, or a switch's untaken case, never
 * runs. Lives on the requester's event loop.
 */
public final class GraphExecution {
  /** A map item, its index and (for the item's output) its result, as {@code $item}, {@code $index}, {@code $result}. */
  record Locals(Object item, int index, Object result) {
    static final Locals TOP = new Locals(null, -1, null);
  }

  private final GraphDef graph;
  private final ModelCalls calls;
  private final String requestId;
  private final JsonObject input;
  private final GenerationParams baseDefaults;
  private final GenerationParams defaults;
  private final GenerationParams requested;
  private final Deadline deadline;
  private final GraphListener listener;
  private final GraphTelemetry telemetry;
  /** The request's trace context when it started: every node's span is its child. */
  private final Context root = Context.current();
  private final Map<String, Future<Object>> nodes = new HashMap<>();
  private final Map<String, String> outcomes = new LinkedHashMap<>();
  private final Map<String, StreamedCall> running = new HashMap<>();
  private final List<Future<?>> generations = new ArrayList<>();
  private final NodeRunner runner;
  private final Future<Object> answer;
  private boolean cancelled;

  /**
   * Starts the run: {@code defaults} (the config's) under each generate node's parameters, under the
   * request's {@code requested} ones; past {@code deadline} every call fails with a timeout. Where
   * set, {@code baseDefaults} replace the library's defaults under the model's own (/v1: OpenAI's).
   */
  public GraphExecution(GraphDef graph, ModelCalls calls, String requestId, JsonObject input,
      GenerationParams baseDefaults, GenerationParams defaults, GenerationParams requested, Deadline deadline,
      GraphListener listener, GraphTelemetry telemetry) {
    this.baseDefaults = baseDefaults;
    this.graph = graph;
    this.calls = calls;
    this.requestId = requestId;
    this.input = input;
    this.defaults = defaults;
    this.requested = requested;
    this.deadline = deadline;
    this.listener = listener;
    this.telemetry = telemetry;
    this.runner = new NodeRunner(this);
    this.answer = listener.wantsTokens() ? streamed() : value(graph.output(), Locals.TOP);
  }

  public GraphDef graph() {
    return graph;
  }

  /** The graph's answer: its output template with every reference resolved. */
  public Future<Object> answer() {
    return answer;
  }

  /** Nodes that failed and were skipped or given their default, by name: "skipped" or "defaulted". */
  public Map<String, String> outcomes() {
    return Map.copyOf(outcomes);
  }

  /** The client went away: no further node starts, and every generator drops the request's work. */
  public void cancel() {
    if (answer.isComplete() || cancelled) {
      return;
    }
    cancelled = true;
    running.forEach((id, call) -> calls.cancel(call.model(), id));
  }

  private Future<Object> streamed() {
    MessageConsumer<GenerateEvent> events = calls.bus().consumer(Addresses.stream(requestId),
        message -> onEvent(message.body()));
    // On a clustered bus the generators can reach the address only once its registration is done.
    Future<Object> result = events.completion().compose(ready -> value(graph.output(), Locals.TOP));
    // A generator sends its events before its reply: once every call is answered, no event can still come.
    result.onComplete(done -> Future.join(generations).onComplete(all -> events.unregister()));
    return result;
  }

  private void onEvent(GenerateEvent event) {
    StreamedCall call = running.get(Retries.callId(event.requestId()));
    if (call != null && !cancelled) {
      call.deliver(event, Retries.attempt(event.requestId()), listener);
    }
  }

  /** The template's value once every node it references is done. */
  Future<Object> value(Template template, Locals scope) {
    return Future.all(template.nodes().stream().map(this::node).toList())
        .map(done -> template.evaluate(ref -> resolve(ref, scope)));
  }

  Future<Object> node(String name) {
    Future<Object> existing = nodes.get(name);
    if (existing != null) {
      return existing;
    }
    Node node = graph.nodes().get(name);
    Future<Object> result = cancelled ? Future.failedFuture(cancelledError()) : runner.run(node);
    nodes.put(name, result);
    return result;
  }

  /** Records a node that failed but whose on_error let the request go on. */
  void outcome(String node, String outcome) {
    outcomes.put(node, outcome);
  }

  /** How a finished node ended: "ok", "skipped" or "defaulted". */
  String outcome(String node) {
    return outcomes.getOrDefault(node, "ok");
  }

  boolean cancelled() {
    return cancelled;
  }

  GraphListener listener() {
    return listener;
  }

  /** A span (and timer) for {@code node}, under the request's span. */
  GraphTelemetry.Step step(Node node) {
    return telemetry.node(graph.name(), node.name(), root);
  }

  GraphTelemetry.Step item(GraphTelemetry.Step map, String node, int index) {
    return telemetry.item(map, node, index);
  }

  ServiceException cancelledError() {
    return new ServiceException(ErrorCode.CANCELLED, "request " + requestId + " was cancelled");
  }

  /** The node's deadline: the request's, or sooner when the node has a timeout of its own. */
  Deadline deadline(Node node) {
    long timeout = node.common().timeoutMs();
    return timeout > 0 ? deadline.min(Deadline.in(timeout)) : deadline;
  }

  Future<JsonObject> generate(Node.Generate node, String callId, Object prompt, Deadline until, Context trace) {
    if (cancelled) {
      return Future.failedFuture(cancelledError());
    }
    String id = requestId + "/" + callId;
    GenerationParams params = defaults.overriddenBy(node.parameters())
        .overriddenBy(node.requestParameters() ? requested : GenerationParams.none());
    List<Long> ids = prompt instanceof TokenPrompt tokens ? tokens.ids() : null; // continued exactly, no text
    GenerateRequest request = new GenerateRequest(id, ids == null ? String.valueOf(prompt) : "", ids, params,
        baseDefaults, listener.wantsTokens() ? Addresses.stream(requestId) : null);
    running.put(id, new StreamedCall(callId, node.model()));
    Future<JsonObject> reply;
    try (Scope scope = trace.makeCurrent()) { // the call's span becomes the node's child
      reply = calls.generate(node.model(), request, until).map(NodeOutputs::generated);
    }
    generations.add(reply);
    return reply.andThen(done -> {
      if (!cancelled) {
        running.remove(id);
      }
    });
  }

  Future<JsonArray> classify(Node.Classify node, String callId, List<String> texts, Deadline until, Context trace) {
    if (cancelled) {
      return Future.failedFuture(cancelledError());
    }
    Future<ClassifyReply> reply;
    try (Scope scope = trace.makeCurrent()) {
      reply = calls.classify(node.model(), new ClassifyRequest(requestId + "/" + callId, texts), until);
    }
    return reply.map(answer -> {
      JsonArray labels = new JsonArray();
      answer.labels().forEach(label -> labels.add(NodeOutputs.classified(answer.model(), label, answer.timing())));
      return labels;
    });
  }

  private Object resolve(Ref ref, Locals scope) {
    Object root = switch (ref.root()) {
      case INPUT -> input;
      case NODES -> nodes.get(ref.node()).result();
      case ITEM -> scope.item();
      case INDEX -> scope.index();
      case RESULT -> scope.result();
    };
    return navigate(root, ref.fields());
  }

  /** Follows a field path into objects (by name) and arrays (by index); a missing step gives null. */
  static Object navigate(Object value, List<String> fields) {
    Object current = value;
    for (String field : fields) {
      if (current instanceof JsonObject object) {
        current = object.getValue(field);
      } else if (current instanceof JsonArray array && field.chars().allMatch(Character::isDigit)
          && Integer.parseInt(field) < array.size()) {
        current = array.getValue(Integer.parseInt(field));
      } else {
        return null;
      }
    }
    return current;
  }
}
