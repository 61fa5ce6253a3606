package io.inferencegraph.graph;

import io.inferencegraph.api.Deadline;
import io.inferencegraph.api.GenerationParams;
import io.inferencegraph.bus.Addresses;
import io.inferencegraph.bus.BusCodecs;
import io.inferencegraph.bus.GenerateRequest;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import java.util.List;

/**
 * BentoML's inference graph over the event bus: the prompt goes to every generator at once, then
 * each generated text is classified one after another, in generator order ({@link GraphRun}).
 */
public final class InferenceGraph {
  private final EventBus bus;
  private final List<String> generators;
  private final String classifier;
  private final long timeoutMs;

  /** The bus must have the protocol's codecs ({@code BusCodecs.register}). */
  public InferenceGraph(EventBus bus, List<String> generators, String classifier, long timeoutMs) {
    this.bus = bus;
    this.generators = List.copyOf(generators);
    this.classifier = classifier;
    this.timeoutMs = timeoutMs;
  }

  /**
   * Starts a run that can be cancelled. {@code deadline} ({@link Deadline#NONE}: only the event-bus
   * timeout applies) travels to the models as the time left; a {@code listener} (or null)
   * sees the tokens as they are decoded, each sequence's end and each classification.
   */
  public GraphRun start(String requestId, String prompt, GenerationParams params, Deadline deadline,
      GraphListener listener) {
    return new GraphRun(this, generators, true, request(requestId, prompt, params, listener), deadline,
        listener == null ? GraphListener.NONE : listener);
  }

  /**
   * Only generator {@code model}, no classification (the OpenAI-compatible door): the same batch
   * serves it as serves the graph. Answers carry no classification.
   */
  public GraphRun generate(String model, String requestId, String prompt, GenerationParams params,
      Deadline deadline, GraphListener listener) {
    return new GraphRun(this, List.of(model), false, request(requestId, prompt, params, listener), deadline,
        listener == null ? GraphListener.NONE : listener);
  }

  private static GenerateRequest request(String requestId, String prompt, GenerationParams params,
      GraphListener listener) {
    String streamTo = listener == null ? null : Addresses.stream(requestId);
    return new GenerateRequest(requestId, prompt, params, streamTo);
  }

  EventBus bus() {
    return bus;
  }

  /** The generators, in the graph's order. */
  public List<String> generators() {
    return generators;
  }

  String classifier() {
    return classifier;
  }

  long timeoutMs() {
    return timeoutMs;
  }

}
