package io.inferencegraph.graph;

/** The run was cancelled (its client went away): the graph stopped before its next step. */
public final class GraphCancelledException extends RuntimeException {
  GraphCancelledException(String requestId) {
    super("request " + requestId + " was cancelled");
  }
}
