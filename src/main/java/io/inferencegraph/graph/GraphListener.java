package io.inferencegraph.graph;

import io.inferencegraph.bus.ClassifyReply;
import io.inferencegraph.bus.GenerateReply;

/** Watches one run of the graph as it happens; called on the requester's event loop, in the order things happen. */
public interface GraphListener {
  GraphListener NONE = new GraphListener() {};

  /** Sequence {@code index} of generator {@code model} grew by {@code text}. */
  default void onToken(String model, int index, String text) {}

  /** Sequence {@code index} of generator {@code model} ended. */
  default void onGenerated(String model, int index, GenerateReply.Sequence sequence) {}

  /** The classifier answered for sequence {@code index} of generator {@code model}. */
  default void onClassified(String model, int index, ClassifyReply classified) {}
}
