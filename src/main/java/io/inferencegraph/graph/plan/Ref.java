package io.inferencegraph.graph.plan;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A reference to a value a graph knows while it runs: {@code $input.FIELD}, {@code $nodes.NAME}
 * (or a field path inside that node's output), and inside a map {@code $item}, {@code $index} and,
 * in the map's per-item output, {@code $result}.
 */
public record Ref(Root root, List<String> path) {
  /** Where a reference starts. */
  public enum Root { INPUT, NODES, ITEM, INDEX, RESULT }

  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-]+");

  public Ref {
    path = List.copyOf(path);
  }

  /** The node a {@code $nodes} reference names, else null. */
  public String node() {
    return root == Root.NODES ? path.get(0) : null;
  }

  /** The field path after the node's name (for {@code $nodes}) or after the root. */
  public List<String> fields() {
    return root == Root.NODES ? path.subList(1, path.size()) : path;
  }

  /**
   * Parses {@code input.text}, {@code nodes.story.text}, {@code item}: the text after the {@code $}
   * (or inside {@code {{ }}}); null when it is not a well-formed reference.
   */
  public static Ref parse(String text) {
    String[] parts = text.trim().split("\\.", -1);
    Root root = switch (parts[0]) {
      case "input" -> Root.INPUT;
      case "nodes" -> Root.NODES;
      case "item" -> Root.ITEM;
      case "index" -> Root.INDEX;
      case "result" -> Root.RESULT;
      default -> null;
    };
    if (root == null) {
      return null;
    }
    List<String> path = List.of(parts).subList(1, parts.length);
    if (path.stream().anyMatch(p -> !SEGMENT.matcher(p).matches())) {
      return null;
    }
    boolean needsPath = root == Root.INPUT || root == Root.NODES;
    if (needsPath == path.isEmpty() && needsPath || root == Root.INDEX && !path.isEmpty()) {
      return null;
    }
    return new Ref(root, path);
  }

  @Override
  public String toString() {
    return "$" + root.name().toLowerCase() + (path.isEmpty() ? "" : "." + String.join(".", path));
  }
}
