package io.inferencegraph.bus;

import java.util.List;
import java.util.Map;

/** A classifier's answer to one {@link ClassifyRequest}: each text's labels, in order, and when it ran. */
public record ClassifyReply(String requestId, String model, List<Label> labels, Timing timing) {
  public ClassifyReply {
    labels = List.copyOf(labels);
  }

  /** One text's top label, its score, and every label's score. */
  public record Label(String label, double score, Map<String, Double> scores) {}
}
