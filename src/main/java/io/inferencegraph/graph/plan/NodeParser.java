package io.inferencegraph.graph.plan;

import io.inferencegraph.api.GenerationParams;
import io.inferencegraph.api.ServiceException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Reads one node of a graph (generate, classify, map or switch), reporting each problem at its pointer. */
final class NodeParser {
  private static final Set<String> COMMON_KEYS = Set.of("timeout_ms", "on_error");
  private static final Map<String, Set<String>> NODE_KEYS = Map.of(
      "generate", Set.of("generate", "prompt", "parameters", "request_parameters"),
      "classify", Set.of("classify", "text"),
      "map", Set.of("map", "apply", "concurrency", "batch", "output"),
      "switch", Set.of("switch", "otherwise"));

  private final Map<String, String> models;
  private final Problems problems;

  NodeParser(Map<String, String> models, Problems problems) {
    this.models = models;
    this.problems = problems;
  }

  private boolean requestParameters(JsonObject json, String at) {
    Object value = json.getValue("request_parameters", true);
    if (!(value instanceof Boolean allowed)) {
      problems.error(at + "/request_parameters", "must be true or false, got " + value);
      return true;
    }
    return allowed;
  }

  Node node(String name, Object value, String at, boolean inner) {
    if (!(value instanceof JsonObject json)) {
      problems.error(at, "a node must be an object naming its kind: generate, classify, map or switch");
      return null;
    }
    List<String> kinds = NODE_KEYS.keySet().stream().filter(json::containsKey).sorted().toList();
    if (kinds.size() != 1) {
      problems.error(at, kinds.isEmpty() ? "names no kind: give one of generate, classify, map, switch"
          : "names several kinds " + kinds + ": give exactly one");
      return null;
    }
    String kind = kinds.get(0);
    Set<String> known = new TreeSet<>(NODE_KEYS.get(kind));
    known.addAll(COMMON_KEYS);
    GraphParser.unknownKeys(json, known, at, problems);
    if (inner && (kind.equals("map") || kind.equals("switch"))) {
      problems.error(at + "/" + kind, "a map applies a generate or classify step, not a " + kind);
      return null;
    }
    if (inner) {
      // The run applies a map's deadline and on_error to the whole map, never per item.
      COMMON_KEYS.stream().filter(json::containsKey).sorted().forEach(key -> problems.error(at + "/" + key,
          "goes on the map node, where it covers all its items"));
    }
    Node.Common common = inner ? Node.Common.DEFAULT : common(json, at);
    return switch (kind) {
      case "generate" -> new Node.Generate(name, model(json, "generate", GraphParser.TEXT_GENERATION, at),
          required(json, "prompt", at), parameters(json.getValue("parameters"), at + "/parameters"),
          requestParameters(json, at), common);
      case "classify" -> new Node.Classify(name, model(json, "classify", GraphParser.TEXT_CLASSIFICATION, at),
          required(json, "text", at), common);
      case "map" -> map(name, json, at, common);
      default -> switchNode(name, json, at, common);
    };
  }

  private Node map(String name, JsonObject json, String at, Node.Common common) {
    Object over = json.getValue("map");
    List<Template> lists = new ArrayList<>();
    if (over instanceof JsonArray array && !array.isEmpty()) {
      for (int i = 0; i < array.size(); i++) {
        lists.add(Template.parse(array.getValue(i), at + "/map/" + i, problems));
      }
    } else if (over instanceof String) {
      lists.add(Template.parse(over, at + "/map", problems));
    } else {
      problems.error(at + "/map", "must be a reference to a list, or an array of them");
    }
    Node apply = node(name + "[]", json.getValue("apply"), at + "/apply", true);
    int concurrency = 1;
    if (json.containsKey("concurrency")) {
      if (json.getValue("concurrency") instanceof Integer c && c >= 1) {
        concurrency = c;
      } else {
        problems.error(at + "/concurrency", "must be a whole number >= 1, got " + json.getValue("concurrency"));
      }
    }
    if (json.containsKey("batch") && !(json.getValue("batch") instanceof Boolean)) {
      problems.error(at + "/batch", "must be true or false");
    }
    Template itemOutput = json.containsKey("output") ? Template.parse(json.getValue("output"), at + "/output",
        problems) : null;
    return apply == null ? null : new Node.MapNode(name, lists, apply, concurrency,
        Boolean.TRUE.equals(json.getValue("batch")), itemOutput, common);
  }

  private Node switchNode(String name, JsonObject json, String at, Node.Common common) {
    if (!(json.getValue("switch") instanceof JsonArray cases) || cases.isEmpty()) {
      problems.error(at + "/switch", "must list cases: [{\"when\": CONDITION, \"then\": VALUE}, ...]");
      return null;
    }
    List<Node.Switch.Case> parsed = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      String caseAt = at + "/switch/" + i;
      if (!(cases.getValue(i) instanceof JsonObject c) || !(c.getValue("when") instanceof String when)
          || !c.containsKey("then")) {
        problems.error(caseAt, "a case is {\"when\": CONDITION, \"then\": VALUE}");
        continue;
      }
      GraphParser.unknownKeys(c, Set.of("when", "then"), caseAt, problems);
      Condition condition = Condition.parse(when, caseAt + "/when", problems);
      Template then = Template.parse(c.getValue("then"), caseAt + "/then", problems); // its problems too, at once
      if (condition != null) {
        parsed.add(new Node.Switch.Case(condition, then));
      }
    }
    Template otherwise = json.containsKey("otherwise")
        ? Template.parse(json.getValue("otherwise"), at + "/otherwise", problems) : null;
    // With a case left out, case i would no longer be /switch/i: the node is left out like any broken one.
    return parsed.size() < cases.size() ? null : new Node.Switch(name, parsed, otherwise, common);
  }

  private String model(JsonObject json, String key, String task, String at) {
    Object value = json.getValue(key);
    if (!(value instanceof String model) || !models.containsKey(model)) {
      problems.error(at + "/" + key, "unknown model " + (value instanceof String ? "\"" + value + "\"" : value)
          + "; models: " + new TreeSet<>(models.keySet()));
      return String.valueOf(value);
    }
    if (!models.get(model).equals(task)) {
      problems.error(at + "/" + key, "model \"" + model + "\" is a " + models.get(model) + " model; " + key
          + " needs a " + task + " model");
    }
    return model;
  }

  private Template required(JsonObject json, String key, String at) {
    if (!json.containsKey(key)) {
      problems.error(at + "/" + key, "is missing");
      return new Template.Literal(null);
    }
    return Template.parse(json.getValue(key), at + "/" + key, problems);
  }

  private GenerationParams parameters(Object value, String at) {
    if (value == null) {
      return GenerationParams.none();
    }
    if (!(value instanceof JsonObject json)) {
      problems.error(at, "must be an object of generation parameters");
      return GenerationParams.none();
    }
    try {
      return GenerationParams.parse(json.getMap());
    } catch (ServiceException e) {
      // The pointer names the parameter, so the message drops its "NAME: " prefix.
      String param = e.param();
      problems.error(param == null ? at : at + "/" + Problems.escape(param),
          param == null ? e.getMessage() : e.getMessage().substring(param.length() + 2));
      return GenerationParams.none();
    }
  }

  private Node.Common common(JsonObject json, String at) {
    long timeout = 0;
    if (json.containsKey("timeout_ms")) {
      if (json.getValue("timeout_ms") instanceof Number n && n.longValue() >= 1 && n.doubleValue() == n.longValue()) {
        timeout = n.longValue();
      } else {
        problems.error(at + "/timeout_ms", "must be a whole number of milliseconds >= 1, got "
            + json.getValue("timeout_ms"));
      }
    }
    Object onError = json.getValue("on_error");
    Node.OnError policy = Node.OnError.FAIL;
    if (onError instanceof JsonObject d && d.size() == 1 && d.containsKey("default")) {
      policy = new Node.OnError(Node.OnError.Kind.DEFAULT, d.getValue("default"));
    } else if ("skip".equals(onError)) {
      policy = new Node.OnError(Node.OnError.Kind.SKIP, null);
    } else if (onError != null && !"fail".equals(onError)) {
      problems.error(at + "/on_error", "must be \"fail\", \"skip\" or {\"default\": VALUE}, got " + onError);
    }
    return new Node.Common(timeout, policy);
  }
}
