package io.inferencegraph.graph.plan;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

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
  /** A graph's name is a URL segment (/graphs/NAME); a node's or input's is a reference segment ($nodes.NAME). */
  private static final Pattern GRAPH_NAME = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");
  private static final Pattern ROUTE = Pattern.compile("(/[A-Za-z0-9._~-]+)+");
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
      if (!GRAPH_NAME.matcher(name).matches()) {
        problems.error(at, "a graph's name must be letters, digits, '.', '_' or '-', as /graphs/NAME writes it");
      }
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
    String route = route(json, name, at + "/route");
    if (json.containsKey("description") && !(json.getValue("description") instanceof String)) {
      problems.error(at + "/description", "must be a string");
    }
    if (json.containsKey("legacy_events") && !(json.getValue("legacy_events") instanceof Boolean)) {
      problems.error(at + "/legacy_events", "must be true or false, got " + json.getValue("legacy_events"));
    }
    Map<String, String> input = input(json.getValue("input"), at + "/input");
    Map<String, Node> nodes = new LinkedHashMap<>();
    if (!(json.getValue("nodes") instanceof JsonObject nodesJson) || nodesJson.isEmpty()) {
      problems.error(at + "/nodes", "must be an object with at least one node");
    } else {
      nodesJson.forEach(e -> {
        String nodeAt = at + "/nodes/" + Problems.escape(e.getKey());
        if (!NAME.matcher(e.getKey()).matches()) {
          problems.error(nodeAt, "a node's name must be letters, digits, '_' or '-', as $nodes.NAME writes it");
        }
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

  /** Its own route, else /graphs/NAME; the prefixes the service serves other things under are refused. */
  private String route(JsonObject json, String name, String at) {
    Object value = json.getValue("route");
    if (value == null && !json.containsKey("route")) {
      return "/graphs/" + name;
    }
    if (!(value instanceof String route) || !ROUTE.matcher(route).matches()) {
      problems.error(at, "must be a path such as /story_mood, each segment letters, digits, '.', '_', '~' or '-', "
          + "got " + value);
    } else if ((route + "/").startsWith("/graphs/") || (route + "/").startsWith("/v1/")) {
      problems.error(at, "must not be under /graphs (every graph is served there by name) nor /v1 (the "
          + "OpenAI-compatible door), got " + route);
    } else {
      return route;
    }
    return "/graphs/" + name;
  }

  private Map<String, String> input(Object value, String at) {
    Map<String, String> input = new LinkedHashMap<>();
    if (!(value instanceof JsonObject fields) || fields.isEmpty()) {
      problems.error(at, "must name the graph's input fields and their types, e.g. {\"text\": \"string\"}");
      return input;
    }
    fields.forEach(e -> {
      if (!NAME.matcher(e.getKey()).matches() || e.getKey().equals("parameters")) {
        problems.error(at + "/" + Problems.escape(e.getKey()), e.getKey().equals("parameters")
            ? "\"parameters\" is where a request puts its generation parameters: name the input otherwise"
            : "an input's name must be letters, digits, '_' or '-', as $input.NAME writes it");
      }
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
