package io.inferencegraph.graph;

import io.inferencegraph.api.TokenLogprob;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Watches one run of a graph as it happens; called on the requester's event loop, in the order things happen. */
public interface GraphListener {
  GraphListener NONE = new GraphListener() {};

  /** Whether it wants tokens as they are decoded (the generators then stream to this node). */
  default boolean wantsTokens() {
    return this != NONE;
  }

  default void onNodeStarted(String node) {}

  /** Sequence {@code index} of generate node {@code node} (model {@code model}) grew by {@code text}. */
  default void onToken(String node, String model, int index, String text) {}

  /**
   * The logprobs of tokens of sequence {@code index} (when the request asked for them), just before the
   * {@link #onToken} whose text they complete; the last may come with no text after them (eos).
   */
  default void onLogprobs(String node, String model, int index, List<TokenLogprob> logprobs) {}

  /** {@code status}: ok, skipped (on_error skip) or defaulted; {@code output} is the node's value. */
  default void onNodeFinished(String node, String status, Object output) {}

  /** Item {@code index} of map node {@code node} is done, with its (shaped) result. */
  default void onMapItem(String node, int index, Object result) {}

  /** The seed route's event: a generator's sequence ended ({@code sequence} as the generate node reports it). */
  default void onGenerated(String model, int index, JsonObject sequence) {}

  /** The seed route's event: the classifier labelled sequence {@code index} of generator {@code model}. */
  default void onClassified(String model, int index, JsonObject label) {}
}
