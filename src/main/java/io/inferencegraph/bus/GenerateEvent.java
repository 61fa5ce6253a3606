package io.inferencegraph.bus;

import io.inferencegraph.api.TokenLogprob;
import java.util.List;

/**
 * A generator's progress on one sequence of {@code requestId}, sent to the request's stream address
 * while it decodes: {@code text} is what the sequence added (whole characters, may be empty), and
 * {@code finished} is set once, on the sequence's last event. {@code logprobs}, when the request asked for
 * them, are those of the tokens whose text this event completes (null otherwise).
 */
public record GenerateEvent(String requestId, String model, int index, String text, GenerateReply.Sequence finished,
    List<TokenLogprob> logprobs) {
  public GenerateEvent {
    logprobs = logprobs == null ? null : List.copyOf(logprobs);
  }

  /** An event without logprobs. */
  public GenerateEvent(String requestId, String model, int index, String text, GenerateReply.Sequence finished) {
    this(requestId, model, index, text, finished, null);
  }
}
