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

  /** Where {@link CancelRequest}s for a model are published: every node serving it listens. */
  public static String cancel(String model) {
    return "graph.cancel." + model;
  }

  /** Where a streaming request receives its {@link GenerateEvent}s, on the node that asked. */
  public static String stream(String requestId) {
    return "graph.stream." + requestId;
  }

  /** Event-bus header: the milliseconds a request has left when sent; its consumer drops it past that. */
  public static final String REMAINING_MS_HEADER = "x-remaining-ms";
}
