package io.inferencegraph.worker;

import io.inferencegraph.bus.Addresses;
import io.inferencegraph.bus.Messages;
import io.inferencegraph.model.BatchLimits;
import io.inferencegraph.model.BatchObserver;
import io.inferencegraph.model.ClassifierBatcher;
import io.inferencegraph.model.TextClassifier;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * Serves one text-classification model on its address; texts from concurrent requests that wait
 * together are classified in one ONNX Runtime call.
 */
public final class ClassifierVerticle extends VerticleBase {
  private final String name;
  private final TextClassifier classifier;
  private final BatchLimits limits;
  private final BatchObserver observer;
  private ClassifierBatcher batcher;

  public ClassifierVerticle(String name, TextClassifier classifier, BatchLimits limits, BatchObserver observer) {
    this.name = name;
    this.classifier = classifier;
    this.limits = limits;
    this.observer = observer;
  }

  @Override
  public Future<?> start() {
    batcher = new ClassifierBatcher(classifier, limits, observer);
    return vertx.eventBus().<JsonObject>consumer(Addresses.classifier(name), this::handle).completion();
  }

  @Override
  public Future<?> stop() {
    batcher.close();
    return Future.succeededFuture();
  }

  private void handle(Message<JsonObject> message) {
    long started = Messages.nowMicros();
    try {
      Future.fromCompletionStage(batcher.submit(Messages.text(message.body())), context)
          .onSuccess(result -> message.reply(Messages.classifyReply(name, result, started)))
          .onFailure(error -> Replies.fail(message, name, error));
    } catch (Throwable error) {
      Replies.fail(message, name, error);
    }
  }
}
