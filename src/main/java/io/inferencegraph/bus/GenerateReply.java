package io.inferencegraph.bus;

import io.inferencegraph.api.TokenLogprob;
import java.util.List;

/** A generator's answer to one {@link GenerateRequest}: its sequences, in order, and when it ran. */
public record GenerateReply(String requestId, String model, List<Sequence> sequences, Timing timing) {
  public GenerateReply {
    sequences = List.copyOf(sequences);
  }

  /**
   * {@code text} is the prompt followed by the continuation, as Hugging Face's pipeline returns it;
   * {@code logprobs}, one per new token, only when the request asked for them (else null).
   */
  public record Sequence(String text, int promptTokens, int newTokens, boolean promptTruncated,
      String finishReason, List<TokenLogprob> logprobs) {
    public Sequence {
      logprobs = logprobs == null ? null : List.copyOf(logprobs);
    }

    /** A sequence without logprobs. */
    public Sequence(String text, int promptTokens, int newTokens, boolean promptTruncated, String finishReason) {
      this(text, promptTokens, newTokens, promptTruncated, finishReason, null);
    }
  }
}
