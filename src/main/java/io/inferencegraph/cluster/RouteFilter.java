package io.inferencegraph.cluster;

/** Which nodes' consumers the event bus may route an address to; says when that changes. */
interface RouteFilter {
  /** Whether a consumer of {@code address} on {@code node} may be chosen. */
  boolean admits(String address, String node);

  /** Runs whenever {@link #admits} may answer differently: routing must be looked at again. */
  void onChange(Runnable listener);
}
