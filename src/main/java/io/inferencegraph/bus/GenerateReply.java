package io.inferencegraph.bus;

import java.util.List;

/** A generator's answer to one {@link GenerateRequest}: its sequences, in order, and when it ran. */
public record GenerateReply(String requestId, String model, List<Sequence> sequences, Timing timing) {
  public GenerateReply {
    sequences = List.copyOf(sequences);
  }

  /** {@code text} is the prompt followed by the continuation, as Hugging Face's pipeline returns it. */
  public record Sequence(String text, int promptTokens, int newTokens, boolean promptTruncated,
      String finishReason) {}
}
