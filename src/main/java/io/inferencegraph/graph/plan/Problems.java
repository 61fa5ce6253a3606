package io.inferencegraph.graph.plan;

import java.util.ArrayList;
import java.util.List;

/** Every problem a definition has, each at the JSON Pointer of the bad field: collected, never stopping at the first. */
public final class Problems {
  /** One problem: an error stops the definition from loading, a warning does not. */
  public record Problem(boolean error, String pointer, String message) {
    @Override
    public String toString() {
      return (error ? "error" : "warning") + " at " + (pointer.isEmpty() ? "/" : pointer) + ": " + message;
    }
  }

  private final List<Problem> problems = new ArrayList<>();

  public void error(String pointer, String message) {
    problems.add(new Problem(true, pointer, message));
  }

  public void warning(String pointer, String message) {
    problems.add(new Problem(false, pointer, message));
  }

  public List<Problem> all() {
    return List.copyOf(problems);
  }

  public int errorCount() {
    return (int) problems.stream().filter(Problem::error).count();
  }

  public boolean hasErrors() {
    return problems.stream().anyMatch(Problem::error);
  }

  /** A JSON Pointer token: {@code ~} and {@code /} escaped (RFC 6901). */
  static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }
}
