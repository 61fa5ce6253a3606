package io.inferencegraph.model.generate;

import io.inferencegraph.api.TokenLogprob;
import java.util.List;

/**
 * Watches one request's sequences as they are decoded. Called on the batch loop's thread after the
 * step that made the tokens, so implementations must be quick (hand the text on, nothing more).
 */
public interface TokenListener {
  TokenListener NONE = new TokenListener() {};

  /** Sequence {@code index} of the request grew by {@code text}: whole characters only, never empty. */
  default void onToken(int index, String text) {}

  /**
   * As {@link #onToken(int, String)}, with the logprobs of the tokens whose text {@code text} completes
   * (empty unless the request asked for logprobs); {@code text} is empty only when the last tokens of a
   * sequence have no text of their own (eos). Entries handed on concatenate to the generation's logprobs.
   */
  default void onToken(int index, String text, List<TokenLogprob> logprobs) {
    if (!text.isEmpty()) {
      onToken(index, text);
    }
  }

  /** Sequence {@code index} ended; every text handed to {@link #onToken} before concatenates to its continuation. */
  default void onFinished(int index, Generation generation) {}
}
