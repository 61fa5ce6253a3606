package io.inferencegraph.bus;

import java.util.List;

/**
 * Asks a classifier for the labels of {@code texts}, for the HTTP request {@code requestId}: one text
 * for a step of a graph, several for a map whose items go to the model as one batch.
 */
public record ClassifyRequest(String requestId, List<String> texts) {
  public ClassifyRequest {
    texts = List.copyOf(texts);
  }
}
