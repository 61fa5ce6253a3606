package io.inferencegraph.worker;

import io.inferencegraph.bus.Addresses;
import io.inferencegraph.bus.Messages;
import io.inferencegraph.model.BatchLimits;
import io.inferencegraph.model.BatchObserver;
import io.inferencegraph.model.ContinuousBatcher;
import io.inferencegraph.model.TextGenerator;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

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

  public GeneratorVerticle(String name, TextGenerator generator, BatchLimits limits, BatchObserver observer) {
    this.name = name;
    this.generator = generator;
    this.limits = limits;
    this.observer = observer;
  }

  @Override
  public Future<?> start() {
    batcher = new ContinuousBatcher(generator, limits, observer);
    return vertx.eventBus().<JsonObject>consumer(Addresses.generator(name), this::handle).completion();
  }

  /** Runs after the consumer is gone: finishes what was accepted, then stops the batch thread. */
  @Override
  public Future<?> stop() {
    batcher.close();
    return Future.succeededFuture();
  }

  private void handle(Message<JsonObject> message) {
    long started = Messages.nowMicros();
    try {
      String text = Messages.text(message.body());
      Future.fromCompletionStage(batcher.submit(text, Messages.parameters(message.body())), context)
          .onSuccess(result -> message.reply(Messages.generateReply(name, result, started)))
          .onFailure(error -> Replies.fail(message, name, error));
    } catch (Throwable error) {
      Replies.fail(message, name, error);
    }
  }
}
