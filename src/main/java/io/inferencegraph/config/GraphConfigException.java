package io.inferencegraph.config;

import io.inferencegraph.graph.plan.Problems;
import java.util.List;
import java.util.stream.Collectors;

/** The graphs of a configuration have errors: every problem, each with the JSON Pointer of its field. */
public final class GraphConfigException extends RuntimeException {
  private final List<Problems.Problem> problems;

  public GraphConfigException(List<Problems.Problem> problems) {
    super("the graphs have " + problems.stream().filter(Problems.Problem::error).count() + " error(s):\n"
        + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  public List<Problems.Problem> problems() {
    return problems;
  }
}
