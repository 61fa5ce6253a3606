package io.inferencegraph.worker;

import io.inferencegraph.bus.Addresses;
import io.inferencegraph.bus.Messages;
import io.inferencegraph.model.BatchLimits;
import io.inferencegraph.model.BatchObserver;
import io.inferencegraph.model.ClassifierBatcher;
import io.inferencegraph.model.TextClassifier;
import io.inferencegraph.telemetry.InferenceSpan;
import io.inferencegraph.telemetry.ModelTelemetry;
import io.inferencegraph.telemetry.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CompletableFuture;

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
  private ModelTelemetry telemetry;

  public ClassifierVerticle(String name, TextClassifier classifier, BatchLimits limits, BatchObserver observer) {
    this.name = name;
    this.classifier = classifier;
    this.limits = limits;
    this.observer = observer;
  }

  @Override
  public Future<?> start() {
    telemetry = Telemetry.of(vertx).model(name);
    batcher = new ClassifierBatcher(classifier, limits, observer);
    return vertx.eventBus().<JsonObject>consumer(Addresses.classifier(name), this::handle).completion();
  }

  @Override
  public Future<?> stop() {
    // Closing waits for the accepted requests; it must not hold this context, which delivers their replies.
    return Future.fromCompletionStage(
        CompletableFuture.runAsync(batcher::close, task -> new Thread(task, "close-" + name).start()), context);
  }

  private void handle(Message<JsonObject> message) {
    long started = Messages.nowMicros();
    InferenceSpan span = telemetry.startInference("classify");
    try {
      Future.fromCompletionStage(batcher.submit(Messages.text(message.body())), context)
          .onSuccess(result -> {
            span.end(Inferences.of(result));
            message.reply(Messages.classifyReply(name, result, started));
          })
          .onFailure(error -> {
            span.fail(error);
            Replies.fail(message, name, error);
          });
    } catch (Throwable error) {
      span.fail(error);
      Replies.fail(message, name, error);
    }
  }
}
