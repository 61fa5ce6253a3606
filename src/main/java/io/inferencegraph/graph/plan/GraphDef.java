package io.inferencegraph.graph.plan;

import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One graph, checked at load into an immutable plan that each request only walks: its name, the
 * route it is also served at (besides {@code /graphs/NAME}), its input fields and their types, its
 * nodes by name (in declaration order), the output template, whether its streams also carry the seed
 * route's {@code generated} / {@code classified} events, and the definition as written.
 */
public record GraphDef(String name, String route, Map<String, String> input, Map<String, Node> nodes,
    Template output, boolean legacyEvents, JsonObject source) {

  /** Input field types a graph may declare. */
  public static final List<String> INPUT_TYPES = List.of("string", "number", "boolean", "list", "object");

  public GraphDef {
    input = Collections.unmodifiableMap(new LinkedHashMap<>(input)); // declaration order: forms, messages
    nodes = Collections.unmodifiableMap(new LinkedHashMap<>(nodes));
  }

  /** The models its nodes call, map nodes' inner steps included. */
  public List<String> models() {
    return nodes.values().stream().map(GraphDef::model).filter(Objects::nonNull).distinct().toList();
  }

  private static String model(Node node) {
    if (node instanceof Node.Generate generate) {
      return generate.model();
    }
    if (node instanceof Node.Classify classify) {
      return classify.model();
    }
    return node instanceof Node.MapNode map ? model(map.apply()) : null;
  }
}
