package io.inferencegraph.worker;

import io.inferencegraph.api.Deadline;
import io.inferencegraph.bus.Addresses;
import io.inferencegraph.bus.ClassifyReply;
import io.inferencegraph.bus.ClassifyRequest;
import io.inferencegraph.bus.Timing;
import io.inferencegraph.model.batch.BatchLimits;
import io.inferencegraph.model.batch.BatchObserver;
import io.inferencegraph.model.classify.ClassifierBatcher;
import io.inferencegraph.model.classify.TextClassifier;
import io.inferencegraph.telemetry.InferenceStats;
import java.util.concurrent.CompletableFuture;

/**
 * Serves one text-classification model on its address; texts from concurrent requests that wait
 * together are classified in one ONNX Runtime call.
 */
public final class ClassifierVerticle extends ModelVerticle<ClassifyRequest, ClassifierBatcher.Result> {
  private final TextClassifier classifier;
  private final BatchLimits limits;
  private final BatchObserver observer;
  private ClassifierBatcher batcher;

  public ClassifierVerticle(String name, TextClassifier classifier, BatchLimits limits, BatchObserver observer,
      Drain drain) {
    super(name, Addresses.classifier(name), "classify", ClassifyRequest.class, drain);
    this.classifier = classifier;
    this.limits = limits;
    this.observer = observer;
  }

  @Override
  ClassifierBatcher openBatcher() {
    batcher = ClassifierBatcher.start(classifier, limits, observer);
    return batcher;
  }

  @Override
  CompletableFuture<ClassifierBatcher.Result> submit(ClassifyRequest request, Deadline deadline) {
    return batcher.submit(request.texts()); // a classifier call is short: the deadline is checked on arrival only
  }

  @Override
  String requestId(ClassifyRequest request) {
    return request.requestId();
  }

  @Override
  ClassifyReply reply(ClassifyRequest request, ClassifierBatcher.Result result, Timing timing) {
    return new ClassifyReply(request.requestId(), name, result.classifications().stream()
        .map(c -> new ClassifyReply.Label(c.label(), c.score(), c.scores())).toList(), timing);
  }

  @Override
  InferenceStats stats(ClassifierBatcher.Result result) {
    return Inferences.of(result);
  }
}
