package io.inferencegraph.worker;

import io.inferencegraph.bus.Messages;
import io.inferencegraph.telemetry.InferenceSpan;
import io.inferencegraph.telemetry.InferenceStats;
import io.inferencegraph.telemetry.ModelTelemetry;
import io.inferencegraph.telemetry.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CompletableFuture;

/**
 * A worker verticle that hands each request on its model's address to the model's batch queue
 * and replies when the batch is done with it, or fails the message with a code: never silence.
 */
abstract class ModelVerticle<R> extends VerticleBase {
  protected final String name;
  private final String address;
  private final String operation;
  private AutoCloseable batcher;
  private ModelTelemetry telemetry;

  ModelVerticle(String name, String address, String operation) {
    this.name = name;
    this.address = address;
    this.operation = operation;
  }

  /** The batch queue this instance feeds; started with the verticle, closed with it. */
  abstract AutoCloseable openBatcher();

  /** Queues the request; throws at once for bad input or a full queue. */
  abstract CompletableFuture<R> submit(JsonObject request);

  abstract JsonObject reply(R result, long startedMicros);

  abstract InferenceStats stats(R result);

  @Override
  public Future<?> start() {
    telemetry = Telemetry.of(vertx).model(name);
    batcher = openBatcher();
    return vertx.eventBus().<JsonObject>consumer(address, this::handle).completion();
  }

  /** Runs after the consumer is gone: finishes what was accepted, then stops the batch thread. */
  @Override
  public Future<?> stop() {
    // Closing waits for the accepted requests; it must not hold this context, which delivers their replies.
    return Future.fromCompletionStage(CompletableFuture.runAsync(this::closeBatcher,
        task -> new Thread(task, "close-" + name).start()), context);
  }

  private void closeBatcher() {
    try {
      batcher.close();
    } catch (Exception e) {
      throw new IllegalStateException(name + ": closing the batch queue failed", e);
    }
  }

  private void handle(Message<JsonObject> message) {
    long started = Messages.nowMicros();
    InferenceSpan span = telemetry.startInference(operation);
    try {
      Future.fromCompletionStage(submit(message.body()), context)
          .onSuccess(result -> {
            span.end(stats(result));
            message.reply(reply(result, started));
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
