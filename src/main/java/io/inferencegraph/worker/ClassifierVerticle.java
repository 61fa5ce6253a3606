package io.inferencegraph.worker;

import io.inferencegraph.bus.Addresses;
import io.inferencegraph.bus.Messages;
import io.inferencegraph.model.BatchLimits;
import io.inferencegraph.model.BatchObserver;
import io.inferencegraph.model.ClassifierBatcher;
import io.inferencegraph.model.TextClassifier;
import io.inferencegraph.telemetry.InferenceStats;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CompletableFuture;

/**
 * Serves one text-classification model on its address; texts from concurrent requests that wait
 * together are classified in one ONNX Runtime call.
 */
public final class ClassifierVerticle extends ModelVerticle<ClassifierBatcher.Result> {
  private final TextClassifier classifier;
  private final BatchLimits limits;
  private final BatchObserver observer;
  private ClassifierBatcher batcher;

  public ClassifierVerticle(String name, TextClassifier classifier, BatchLimits limits, BatchObserver observer) {
    super(name, Addresses.classifier(name), "classify");
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
  CompletableFuture<ClassifierBatcher.Result> submit(JsonObject request) {
    return batcher.submit(Messages.text(request));
  }

  @Override
  JsonObject reply(ClassifierBatcher.Result result, long startedMicros) {
    return Messages.classifyReply(name, result, startedMicros);
  }

  @Override
  InferenceStats stats(ClassifierBatcher.Result result) {
    return Inferences.of(result);
  }
}
