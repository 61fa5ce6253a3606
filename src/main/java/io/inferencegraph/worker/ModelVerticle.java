package io.inferencegraph.worker;

import io.inferencegraph.api.Deadline;
import io.inferencegraph.api.ErrorCode;
import io.inferencegraph.api.ServiceException;
import io.inferencegraph.bus.Addresses;
import io.inferencegraph.bus.BusCodecs;
import io.inferencegraph.bus.CancelRequest;
import io.inferencegraph.bus.Failure;
import io.inferencegraph.bus.Timing;
import io.inferencegraph.model.batch.Batcher;
import io.inferencegraph.telemetry.InferenceSpan;
import io.inferencegraph.telemetry.InferenceStats;
import io.inferencegraph.telemetry.ModelTelemetry;
import io.inferencegraph.telemetry.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A worker verticle that hands each request record on its model's address to the model's batch
 * queue and replies with a reply record when the batch is done with it, or with a {@link Failure}:
 * never silence. A request arriving with no time left is refused unseen; a {@link CancelRequest}
 * published for a request this instance holds cancels its work.
 */
abstract class ModelVerticle<Q, R> extends VerticleBase {
  protected final String name;
  private final String address;
  private final String operation;
  private final Class<Q> requestType;
  private final Drain drain;
  private Batcher batcher;
  private MessageConsumer<Object> requests;
  private ModelTelemetry telemetry;
  /** The requests this instance holds, by request id; touched only on this verticle's context. */
  private final Map<String, CompletableFuture<R>> inFlight = new HashMap<>();

  /** {@code drain}: at stop, how long the accepted requests may still take before they are failed. */
  ModelVerticle(String name, String address, String operation, Class<Q> requestType, Drain drain) {
    this.name = name;
    this.address = address;
    this.operation = operation;
    this.requestType = requestType;
    this.drain = drain;
  }

  /** The batch queue this instance feeds; started with the verticle, closed with it. */
  abstract Batcher openBatcher();

  /**
   * Queues the request, to be dropped past {@code deadline}; throws at once for a request the model refuses or a
   * full queue. Cancelling the future drops the request's work.
   */
  abstract CompletableFuture<R> submit(Q request, Deadline deadline);

  abstract String requestId(Q request);

  /** The reply record for the model's result. */
  abstract Object reply(Q request, R result, Timing timing);

  abstract InferenceStats stats(R result);

  @Override
  public Future<?> start() {
    BusCodecs.register(vertx);
    telemetry = Telemetry.of(vertx).model(name);
    batcher = openBatcher();
    requests = vertx.eventBus().consumer(address, this::handle);
    return Future.join(requests.completion(),
        vertx.eventBus().<CancelRequest>consumer(Addresses.cancel(name), message -> cancel(message.body()))
            .completion());
  }

  /**
   * On a reload, takes no more requests (Vert.x itself unregisters consumers only after stop, and
   * another instance or the reloaded model may serve the address meanwhile); when the node leaves,
   * keeps the address and answers late arrivals with shutting_down ({@link Drain#leaving}). Then the
   * batch loop finishes what was accepted (for as long as the drain allows), frees its batch and
   * ends; no thread is blocked waiting for it, and this context stays free to deliver the replies.
   */
  @Override
  public Future<?> stop() {
    if (drain.leaving()) {
      return Future.fromCompletionStage(batcher.shutdown(drain.left()), context).eventually(requests::unregister);
    }
    return requests.unregister().eventually(() -> Future.fromCompletionStage(batcher.shutdown(drain.left()), context));
  }

  private void handle(Message<Object> message) {
    long started = nowMicros();
    InferenceSpan span = telemetry.startInference(operation);
    Object body = message.body();
    if (!requestType.isInstance(body)) {
      fail(message, span, new Failure(ErrorCode.BAD_MESSAGE, name + ": expected a " + requestType.getSimpleName()
          + ", got " + (body == null ? "nothing" : body.getClass().getSimpleName())));
      return;
    }
    Q request = requestType.cast(body);
    Deadline deadline = deadline(message);
    if (deadline.passed()) {
      fail(message, span, new ServiceException(ErrorCode.TIMEOUT, name + ": the request arrived with no time left"));
      return;
    }
    queue(request, deadline)
        .onSuccess(result -> {
          span.end(stats(result));
          message.reply(reply(request, result, new Timing(started, nowMicros())));
        })
        .onFailure(error -> fail(message, span, error));
  }

  private Future<R> queue(Q request, Deadline deadline) {
    CompletableFuture<R> work;
    try {
      work = submit(request, deadline);
    } catch (Throwable error) {
      return Future.failedFuture(error);
    }
    String id = requestId(request);
    if (id != null) {
      inFlight.put(id, work);
    }
    return Future.fromCompletionStage(work, context).andThen(done -> inFlight.remove(id, work));
  }

  private void cancel(CancelRequest cancel) {
    CompletableFuture<R> work = cancel == null ? null : inFlight.remove(cancel.requestId());
    if (work != null && work.cancel(false)) {
      telemetry.recordCancelled();
    }
  }

  /** The request's deadline on this node's clock, from the time it had left when sent. */
  private static Deadline deadline(Message<?> message) {
    String remaining = message.headers().get(Addresses.REMAINING_MS_HEADER);
    if (remaining == null) {
      return Deadline.NONE;
    }
    try {
      return Deadline.in(Long.parseLong(remaining));
    } catch (NumberFormatException e) {
      return Deadline.NONE;
    }
  }

  private void fail(Message<?> message, InferenceSpan span, Throwable error) {
    span.fail(error);
    message.reply(Failures.of(name, error));
  }

  private static long nowMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }
}
