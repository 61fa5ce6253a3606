package io.inferencegraph.bus;

/** Event-bus addresses of the graph's models: one per model name, the same on every node. */
public final class Addresses {
  private Addresses() {}

  public static String generator(String model) {
    return "graph.generate." + model;
  }

  /** Answered on the event loop by a node that serves the model, for readiness checks. */
  public static String health(String model) {
    return "graph.health." + model;
  }

  public static String classifier(String model) {
    return "graph.classify." + model;
  }
}
