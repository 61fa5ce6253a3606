package io.inferencegraph.worker;

import java.time.Duration;

/** How a model worker ends when it is undeployed. */
public interface Drain {
  /** How long the requests it accepted may still take before they are failed. */
  Duration left();

  /**
   * True when the node is shutting down, false when a reload replaces or removes the model. A leaving
   * node keeps its workers' addresses until their batch loops end, answering what still arrives with
   * 503 shutting_down: in a cluster, a request an edge routed here just before it learnt of the drain can
   * arrive after the drain began, and a clustered bus drops a message to an address with no consumer
   * without any reply (the caller would wait for its timeout). On a reload the old worker lets go of
   * the address first, so that the new one takes every request.
   */
  boolean leaving();
}
