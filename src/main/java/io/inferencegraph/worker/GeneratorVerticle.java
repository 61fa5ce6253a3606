package io.inferencegraph.worker;

import io.inferencegraph.bus.Addresses;
import io.inferencegraph.bus.Messages;
import io.inferencegraph.model.BatchLimits;
import io.inferencegraph.model.BatchObserver;
import io.inferencegraph.model.ContinuousBatcher;
import io.inferencegraph.model.TextGenerator;
import io.inferencegraph.telemetry.InferenceSpan;
import io.inferencegraph.telemetry.ModelTelemetry;
import io.inferencegraph.telemetry.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CompletableFuture;

/**
 * Serves one text-generation model on its address. Each instance runs its own continuous batch
 * over the shared model: requests join the batch and are answered as their sequences finish.
 */
public final class GeneratorVerticle extends VerticleBase {
  private final String name;
  private final TextGenerator generator;
  private final BatchLimits limits;
  private final BatchObserver observer;
  private ContinuousBatcher batcher;
  private ModelTelemetry telemetry;

  public GeneratorVerticle(String name, TextGenerator generator, BatchLimits limits, BatchObserver observer) {
    this.name = name;
    this.generator = generator;
    this.limits = limits;
    this.observer = observer;
  }

  @Override
  public Future<?> start() {
    telemetry = Telemetry.of(vertx).model(name);
    batcher = new ContinuousBatcher(generator, limits, observer);
    return vertx.eventBus().<JsonObject>consumer(Addresses.generator(name), this::handle).completion();
  }

  /** Runs after the consumer is gone: finishes what was accepted, then stops the batch thread. */
  @Override
  public Future<?> stop() {
    // Closing waits for the accepted requests; it must not hold this context, which delivers their replies.
    return Future.fromCompletionStage(
        CompletableFuture.runAsync(batcher::close, task -> new Thread(task, "close-" + name).start()), context);
  }

  private void handle(Message<JsonObject> message) {
    long started = Messages.nowMicros();
    InferenceSpan span = telemetry.startInference("generate");
    try {
      String text = Messages.text(message.body());
      Future.fromCompletionStage(batcher.submit(text, Messages.parameters(message.body())), context)
          .onSuccess(result -> {
            span.end(Inferences.of(result));
            message.reply(Messages.generateReply(name, result, started));
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
