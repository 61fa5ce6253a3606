package io.inferencegraph.graph.plan;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the {@code graphs} section of a configuration into {@link GraphDef}s, checking everything
 * that can be checked before a model loads, and reporting every problem at once with the JSON Pointer
 * of the bad field ({@link GraphChecks} checks references, cycles and reachability).
 */
public final class GraphParser {
  public static final String TEXT_GENERATION = "text-generation";
  public static final String TEXT_CLASSIFICATION = "text-classification";

  private static final Set<String> GRAPH_KEYS = Set.of("route", "description", "input", "nodes", "output",
      "legacy_events");
  private final Map<String, String> models;
  private final Problems problems;

  /** {@code models}: each model's task ({@link #TEXT_GENERATION} or {@link #TEXT_CLASSIFICATION}) by name. */
  public GraphParser(Map<String, String> models, Problems problems) {
    this.models = models;
    this.problems = problems;
  }

  /** Every graph of a {@code graphs} object; those with errors are left out (the problems say why). */
  public List<GraphDef> parseAll(JsonObject graphs, String pointer) {
    List<GraphDef> parsed = new ArrayList<>();
    Map<String, String> routes = new LinkedHashMap<>();
    for (String name : graphs.fieldNames()) {
      String at = pointer + "/" + Problems.escape(name);
      if (!(graphs.getValue(name) instanceof JsonObject definition)) {
        problems.error(at, "a graph must be an object with input, nodes and output");
        continue;
      }
      int before = problems.errorCount();
      GraphDef graph = parse(name, definition, at);
      String other = routes.putIfAbsent(graph.route(), name);
      if (other != null) {
        problems.error(at + "/route", "route " + graph.route() + " is already graph \"" + other + "\"'s");
      }
      if (problems.errorCount() == before) {
        parsed.add(graph);
      }
    }
    return parsed;
  }

  GraphDef parse(String name, JsonObject json, String at) {
    unknownKeys(json, GRAPH_KEYS, at, problems);
    String route = "/graphs/" + name;
    if (json.containsKey("route")) {
      if (json.getValue("route") instanceof String r && r.startsWith("/") && !r.startsWith("/graphs/")) {
        route = r;
      } else {
        problems.error(at + "/route", "must be a path starting with / (and not under /graphs/), got "
            + json.getValue("route"));
      }
    }
    Map<String, String> input = input(json.getValue("input"), at + "/input");
    Map<String, Node> nodes = new LinkedHashMap<>();
    if (!(json.getValue("nodes") instanceof JsonObject nodesJson) || nodesJson.isEmpty()) {
      problems.error(at + "/nodes", "must be an object with at least one node");
    } else {
      nodesJson.forEach(e -> {
        String nodeAt = at + "/nodes/" + Problems.escape(e.getKey());
        Node node = new NodeParser(models, problems).node(e.getKey(), e.getValue(), nodeAt, false);
        if (node != null) {
          nodes.put(e.getKey(), node);
        }
      });
    }
    Template output = null;
    if (!json.containsKey("output")) {
      problems.error(at + "/output", "is missing: say what the answer is, e.g. \"$nodes.NAME\"");
    } else {
      output = Template.parse(json.getValue("output"), at + "/output", problems);
    }
    GraphDef graph = new GraphDef(name, route, input, nodes, output, Boolean.TRUE.equals(json.getValue(
        "legacy_events")), json);
    new GraphChecks(graph, at, problems).run();
    return graph;
  }

  private Map<String, String> input(Object value, String at) {
    Map<String, String> input = new LinkedHashMap<>();
    if (!(value instanceof JsonObject fields) || fields.isEmpty()) {
      problems.error(at, "must name the graph's input fields and their types, e.g. {\"text\": \"string\"}");
      return input;
    }
    fields.forEach(e -> {
      if (e.getValue() instanceof String type && GraphDef.INPUT_TYPES.contains(type)) {
        input.put(e.getKey(), type);
      } else {
        problems.error(at + "/" + Problems.escape(e.getKey()), "type must be one of " + GraphDef.INPUT_TYPES
            + ", got " + e.getValue());
      }
    });
    return input;
  }

  static void unknownKeys(JsonObject json, Set<String> known, String at, Problems problems) {
    for (String key : json.fieldNames()) {
      if (!known.contains(key)) {
        problems.error(at + "/" + Problems.escape(key), "unknown field \"" + key + "\"; known: " + new TreeSet<>(known));
      }
    }
  }
}
