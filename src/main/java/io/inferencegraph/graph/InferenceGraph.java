package io.inferencegraph.graph;

import io.inferencegraph.bus.Addresses;
import io.inferencegraph.bus.ClassifyReply;
import io.inferencegraph.bus.ClassifyRequest;
import io.inferencegraph.bus.GenerateReply;
import io.inferencegraph.bus.GenerateRequest;
import io.inferencegraph.model.GenerationParams;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import java.util.ArrayList;
import java.util.List;

/**
 * BentoML's inference graph over the event bus: the prompt goes to every generator at once, then
 * each generated text is classified one after another, in generator order.
 */
public final class InferenceGraph {
  private final EventBus bus;
  private final List<String> generators;
  private final String classifier;
  private final DeliveryOptions delivery;

  /** The bus must have the protocol's codecs ({@code BusCodecs.register}). */
  public InferenceGraph(EventBus bus, List<String> generators, String classifier, long timeoutMs) {
    this.bus = bus;
    this.generators = List.copyOf(generators);
    this.classifier = classifier;
    this.delivery = new DeliveryOptions().setSendTimeout(timeoutMs);
  }

  /** One answer per generated sequence, generators in configured order. */
  public Future<List<Answer>> run(String requestId, String prompt, GenerationParams params) {
    GenerateRequest request = new GenerateRequest(requestId, prompt, wire(params));
    List<Future<GenerateReply>> generated = generators.stream().map(model -> generate(model, request)).toList();
    return Future.all(generated).compose(all -> classifyInOrder(requestId, all.list()));
  }

  private Future<GenerateReply> generate(String model, GenerateRequest request) {
    return ask("generator", model, Addresses.generator(model), request);
  }

  private Future<List<Answer>> classifyInOrder(String requestId, List<GenerateReply> replies) {
    Future<List<Answer>> answers = Future.succeededFuture(new ArrayList<>());
    for (GenerateReply reply : replies) {
      for (GenerateReply.Sequence sequence : reply.sequences()) {
        answers = answers.compose(list -> classify(new ClassifyRequest(requestId, sequence.text()))
            .map(classified -> {
              list.add(new Answer(reply, sequence, classified));
              return list;
            }));
      }
    }
    return answers;
  }

  private Future<ClassifyReply> classify(ClassifyRequest request) {
    return ask("classifier", classifier, Addresses.classifier(classifier), request);
  }

  private <T> Future<T> ask(String stage, String model, String address, Object request) {
    return bus.<T>request(address, request, delivery)
        .map(Message::body)
        .recover(error -> Future.failedFuture(new StageException(stage, model, error)));
  }

  private static GenerateRequest.Parameters wire(GenerationParams p) {
    return new GenerateRequest.Parameters(p.maxLength(), p.maxNewTokens(), p.minNewTokens(), p.doSample(),
        p.temperature(), p.topK(), p.topP(), p.seed(), p.numReturnSequences());
  }
}
