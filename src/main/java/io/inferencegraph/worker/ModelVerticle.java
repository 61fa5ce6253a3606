package io.inferencegraph.worker;

import io.inferencegraph.bus.Messages;
import io.inferencegraph.model.BatchQueue;
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
  private BatchQueue<?> batcher;
  private ModelTelemetry telemetry;

  ModelVerticle(String name, String address, String operation) {
    this.name = name;
    this.address = address;
    this.operation = operation;
  }

  /** The batch queue this instance feeds; started with the verticle, closed with it. */
  abstract BatchQueue<?> openBatcher();

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

  /**
   * Runs after the consumer is gone: the batch loop finishes what was accepted, frees its batch and
   * ends; no thread is blocked waiting for it, and this context stays free to deliver the replies.
   */
  @Override
  public Future<?> stop() {
    return Future.fromCompletionStage(batcher.shutdown(), context);
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
