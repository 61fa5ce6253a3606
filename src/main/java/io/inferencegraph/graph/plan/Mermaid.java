package io.inferencegraph.graph.plan;

import java.util.LinkedHashSet;
import java.util.Set;

/** A graph as a Mermaid flowchart: input, one box per node (its kind and model), the references as edges, output. */
public final class Mermaid {
  private Mermaid() {}

  public static String of(GraphDef graph) {
    StringBuilder text = new StringBuilder("flowchart LR\n  input([input])\n");
    graph.nodes().values().forEach(node -> text.append("  ").append(id(node.name())).append("[\"")
        .append(node.name()).append(": ").append(label(node)).append("\"]\n"));
    text.append("  output([output])\n");
    for (Node node : graph.nodes().values()) {
      if (node instanceof Node.Switch choice) {
        for (Node.Switch.Case c : choice.cases()) {
          c.when().left().refs(ref -> edge(text, ref, node.name(), null));
          c.then().refs(ref -> edge(text, ref, node.name(), c.when().source()));
        }
        if (choice.otherwise() != null) {
          choice.otherwise().refs(ref -> edge(text, ref, node.name(), "otherwise"));
        }
      } else {
        Set<String> seen = new LinkedHashSet<>();
        node.templates().forEach(t -> t.refs(ref -> {
          if (seen.add(ref.root() + ":" + ref.node())) {
            edge(text, ref, node.name(), null);
          }
        }));
      }
    }
    Set<String> outputs = new LinkedHashSet<>();
    graph.output().refs(ref -> {
      if (ref.node() != null && outputs.add(ref.node())) {
        text.append("  ").append(id(ref.node())).append(" --> output\n");
      }
    });
    return text.toString();
  }

  private static void edge(StringBuilder text, Ref ref, String to, String condition) {
    String from = ref.root() == Ref.Root.INPUT ? "input" : ref.node() == null ? null : id(ref.node());
    if (from == null) {
      return;
    }
    text.append("  ").append(from).append(condition == null ? " --> "
        : " -. \"" + condition.replace("\"", "'") + "\" .-> ").append(id(to)).append('\n');
  }

  private static String label(Node node) {
    if (node instanceof Node.Generate g) {
      return "generate " + g.model();
    }
    if (node instanceof Node.Classify c) {
      return "classify " + c.model();
    }
    if (node instanceof Node.MapNode m) {
      return "map " + label(m.apply()) + (m.batch() ? " (batch)" : m.concurrency() > 1 ? " (x" + m.concurrency() + ")" : "");
    }
    return "switch";
  }

  private static String id(String name) {
    return "n_" + name.replaceAll("[^A-Za-z0-9_]", "_");
  }
}
