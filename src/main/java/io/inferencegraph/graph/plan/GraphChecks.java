package io.inferencegraph.graph.plan;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a graph's references must satisfy: each names a declared input or node (and a field that node
 * has), {@code $item} / {@code $index} / {@code $result} only where a map gives them, a map only over
 * lists, no cycle, an output that uses some node; nodes the output never reaches are a warning.
 */
final class GraphChecks {
  private static final Map<Class<?>, Set<String>> FIELDS = Map.of(
      Node.Generate.class, Set.of("model", "text", "sequences", "timing"),
      Node.Classify.class, Set.of("model", "label", "score", "scores", "timing"));

  private final GraphDef graph;
  private final String at;
  private final Problems problems;
  private final Set<String> declared;
  private final Set<String> inputs;

  GraphChecks(GraphDef graph, String at, Problems problems) {
    this.graph = graph;
    this.at = at;
    this.problems = problems;
    this.declared = graph.source().getValue("nodes") instanceof JsonObject nodes ? nodes.fieldNames() : Set.of();
    this.inputs = graph.source().getValue("input") instanceof JsonObject input ? input.fieldNames() : Set.of();
  }

  void run() {
    graph.nodes().values().forEach(this::checkNode);
    if (graph.output() != null) {
      checkRefs(graph.output(), at + "/output", Set.of());
      if (graph.output().refs().stream().noneMatch(ref -> ref.node() != null)) {
        problems.error(at + "/output", "references no node: the answer would not depend on the graph");
      }
    }
    List<String> cycle = cycle();
    if (!cycle.isEmpty()) {
      problems.error(at + "/nodes/" + Problems.escape(cycle.get(0)), "cycle: " + String.join(" -> ", cycle));
    } else if (graph.output() != null && graph.nodes().size() == declared.size()) {
      // (with a node left out for its errors, what it would have used is unknown)
      Set<String> reached = reachable();
      graph.nodes().keySet().stream().filter(name -> !reached.contains(name)).forEach(name -> problems.warning(
          at + "/nodes/" + Problems.escape(name), "is never used by the output (nor by a node it uses), so it never runs"));
    }
  }

  /** Each template of the node, checked at the pointer of the field it is written in. */
  private void checkNode(Node node) {
    String nodeAt = at + "/nodes/" + Problems.escape(node.name());
    if (node instanceof Node.MapNode map) {
      boolean array = graph.source().getJsonObject("nodes").getJsonObject(node.name()).getValue("map")
          instanceof JsonArray;
      for (int i = 0; i < map.over().size(); i++) {
        String overAt = nodeAt + "/map" + (array ? "/" + i : "");
        checkRefs(map.over().get(i), overAt, Set.of());
        checkList(map.over().get(i), overAt);
      }
      checkStep(map.apply(), nodeAt + "/apply", Set.of(Ref.Root.ITEM, Ref.Root.INDEX));
      if (map.itemOutput() != null) {
        checkRefs(map.itemOutput(), nodeAt + "/output", Set.of(Ref.Root.ITEM, Ref.Root.INDEX, Ref.Root.RESULT));
      }
    } else if (node instanceof Node.Switch choice) {
      for (int i = 0; i < choice.cases().size(); i++) {
        checkRefs(choice.cases().get(i).when().left(), nodeAt + "/switch/" + i + "/when", Set.of());
        checkRefs(choice.cases().get(i).then(), nodeAt + "/switch/" + i + "/then", Set.of());
      }
      if (choice.otherwise() != null) {
        checkRefs(choice.otherwise(), nodeAt + "/otherwise", Set.of());
      }
    } else {
      checkStep(node, nodeAt, Set.of());
    }
  }

  /** A generate node's prompt or a classify node's text. */
  private void checkStep(Node step, String stepAt, Set<Ref.Root> allowed) {
    if (step instanceof Node.Generate generate) {
      checkRefs(generate.prompt(), stepAt + "/prompt", allowed);
    } else if (step instanceof Node.Classify classify) {
      checkRefs(classify.text(), stepAt + "/text", allowed);
    }
  }

  private void checkRefs(Template template, String pointer, Set<Ref.Root> allowed) {
    template.refs(pointer, (where, ref) -> {
      switch (ref.root()) {
        case INPUT -> {
          if (!inputs.isEmpty() && !inputs.contains(ref.path().get(0))) {
            problems.error(where, ref + ": the graph has no input \"" + ref.path().get(0) + "\"; inputs: "
                + new TreeSet<>(inputs));
          }
        }
        case NODES -> checkNodeRef(ref, where);
        default -> {
          if (!allowed.contains(ref.root())) {
            problems.error(where, ref + " is only defined inside a map's " + (ref.root() == Ref.Root.RESULT
                ? "output" : "apply and output"));
          }
        }
      }
    });
  }

  private void checkNodeRef(Ref ref, String where) {
    Node target = graph.nodes().get(ref.node());
    if (target == null) {
      // A node declared but left out for its own errors, or a missing nodes section, is reported once, not at each use.
      if (!declared.isEmpty() && !declared.contains(ref.node())) {
        problems.error(where, ref + ": no node \"" + ref.node() + "\"; nodes: " + new TreeSet<>(declared));
      }
      return;
    }
    Set<String> fields = FIELDS.get(target.getClass());
    if (fields != null && !ref.fields().isEmpty() && !fields.contains(ref.fields().get(0))) {
      problems.error(where, ref + ": a " + kind(target) + " node's output has no \"" + ref.fields().get(0)
          + "\"; fields: " + new TreeSet<>(fields));
    }
  }

  /**
   * A map's list: a list input, a generate node's sequences, another map's results, or a switch's
   * value (known only when it runs). A reference already reported as undefined is not reported again.
   */
  private void checkList(Template over, String where) {
    if (!(over instanceof Template.Reference reference)) {
      problems.error(where, "must be a reference to a list, e.g. \"$nodes.NAME.sequences\"");
      return;
    }
    Ref ref = reference.ref();
    boolean list = switch (ref.root()) {
      case INPUT -> !graph.input().containsKey(ref.path().get(0))
          || "list".equals(graph.input().get(ref.path().get(0))) && ref.path().size() == 1;
      case NODES -> {
        Node target = graph.nodes().get(ref.node());
        yield target == null || target instanceof Node.Switch
            || target instanceof Node.MapNode && ref.fields().isEmpty()
            || target instanceof Node.Generate && ref.fields().equals(List.of("sequences"));
      }
      default -> true;
    };
    if (!list) {
      problems.error(where, ref + " is not a list; a map goes over a list input, a generate node's "
          + "\".sequences\" or another map's results");
    }
  }

  private List<String> cycle() {
    Set<String> done = new LinkedHashSet<>();
    for (String start : graph.nodes().keySet()) {
      List<String> path = new ArrayList<>();
      List<String> found = visit(start, path, done);
      if (!found.isEmpty()) {
        return found;
      }
    }
    return List.of();
  }

  private List<String> visit(String name, List<String> path, Set<String> done) {
    int seen = path.indexOf(name);
    if (seen >= 0) {
      List<String> cycle = new ArrayList<>(path.subList(seen, path.size()));
      cycle.add(name);
      return cycle;
    }
    if (done.contains(name) || !graph.nodes().containsKey(name)) {
      return List.of();
    }
    path.add(name);
    for (String next : graph.nodes().get(name).reads()) {
      List<String> found = visit(next, path, done);
      if (!found.isEmpty()) {
        return found;
      }
    }
    path.remove(path.size() - 1);
    done.add(name);
    return List.of();
  }

  private Set<String> reachable() {
    Set<String> reached = new LinkedHashSet<>();
    List<String> todo = new ArrayList<>(graph.output().refs().stream().map(Ref::node).filter(n -> n != null).toList());
    while (!todo.isEmpty()) {
      String name = todo.remove(todo.size() - 1);
      if (graph.nodes().containsKey(name) && reached.add(name)) {
        todo.addAll(graph.nodes().get(name).reads());
      }
    }
    return reached;
  }

  private static String kind(Node node) {
    return node instanceof Node.Generate ? "generate" : "classify";
  }
}
