package io.inferencegraph.model.generate;

/**
 * Watches one request's sequences as they are decoded. Called on the batch loop's thread after the
 * step that made the tokens, so implementations must be quick (hand the text on, nothing more).
 */
public interface TokenListener {
  TokenListener NONE = new TokenListener() {};

  /** Sequence {@code index} of the request grew by {@code text}: whole characters only, never empty. */
  default void onToken(int index, String text) {}

  /** Sequence {@code index} ended; every text handed to {@link #onToken} before concatenates to its continuation. */
  default void onFinished(int index, Generation generation) {}
}
