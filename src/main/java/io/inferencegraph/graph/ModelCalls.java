package io.inferencegraph.graph;

import io.inferencegraph.api.Deadline;
import io.inferencegraph.api.ErrorCode;
import io.inferencegraph.api.GenerationParams;
import io.inferencegraph.api.ServiceException;
import io.inferencegraph.bus.Addresses;
import io.inferencegraph.bus.BusCodecs;
import io.inferencegraph.bus.CancelRequest;
import io.inferencegraph.bus.ClassifyReply;
import io.inferencegraph.bus.ClassifyRequest;
import io.inferencegraph.bus.Failure;
import io.inferencegraph.bus.GenerateReply;
import io.inferencegraph.bus.GenerateRequest;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntFunction;

/**
 * The models as the edge reaches them: one event-bus request per call, sent with the time the
 * request has left (the model drops work past it) and a send timeout no later than that; a failure
 * comes back as a {@link ServiceException} that says which step and model. A call whose node left
 * is sent again as {@link Retries} allows: a plain send, so the bus picks a node that serves the model
 * now (a departed node's subscriptions are gone, or it never acknowledges and is failed again).
 */
public final class ModelCalls {
  private final EventBus bus;
  private final long timeoutMs;
  private final Retries retries;

  /** The bus must have the protocol's codecs ({@code BusCodecs.register}); {@code timeoutMs}: the bus timeout. */
  public ModelCalls(EventBus bus, long timeoutMs) {
    this(bus, timeoutMs, Retries.NONE);
  }

  public ModelCalls(EventBus bus, long timeoutMs, Retries retries) {
    this.bus = bus;
    this.timeoutMs = timeoutMs;
    this.retries = retries;
  }

  public EventBus bus() {
    return bus;
  }

  /**
   * With retries on, a request without a seed gets one here, so that a retry samples what the first
   * attempt would have; attempt n carries its number in its request id.
   */
  public Future<GenerateReply> generate(String model, GenerateRequest request, Deadline deadline) {
    GenerateRequest seeded = retries.max() == 0 || request.parameters().seed() != null ? request
        : request.withParameters(request.parameters().overriddenBy(
            GenerationParams.parse(Map.of("seed", ThreadLocalRandom.current().nextLong(1L << 53)))));
    String address = Addresses.generator(model);
    return attempt(model, address, 1, deadline, n -> ask("generate " + model, address,
        seeded.withRequestId(Retries.attemptId(seeded.requestId(), n)), deadline));
  }

  public Future<ClassifyReply> classify(String model, ClassifyRequest request, Deadline deadline) {
    String address = Addresses.classifier(model);
    return attempt(model, address, 1, deadline, n -> ask("classify " + model, address, request, deadline));
  }

  /** Tells every node serving {@code model} to drop the work of request {@code requestId}, whichever attempt it is. */
  public void cancel(String model, String requestId) {
    for (int n = 1; n <= retries.max() + 1; n++) {
      bus.publish(Addresses.cancel(model), new CancelRequest(Retries.attemptId(requestId, n)));
    }
  }

  /** Attempt {@code n} and, should its node go away, the next once the bus routes around that node. */
  private <T> Future<T> attempt(String model, String address, int n, Deadline deadline, IntFunction<Future<T>> send) {
    return send.apply(n).recover(error -> retries.retry(model, error, n, deadline) == null ? Future.failedFuture(error)
        : retries.rerouted().apply(address).compose(v -> attempt(model, address, n + 1, deadline, send)));
  }

  private <T> Future<T> ask(String step, String address, Object message, Deadline deadline) {
    DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(timeoutMs);
    if (!deadline.isNone()) {
      long remaining = deadline.remainingMillis();
      if (remaining <= 0) {
        return Future.failedFuture(new ServiceException(ErrorCode.TIMEOUT,
            step + ": the request's deadline passed before this step"));
      }
      delivery.setSendTimeout(Math.min(timeoutMs, remaining))
          .addHeader(Addresses.REMAINING_MS_HEADER, Long.toString(remaining));
    }
    return bus.<T>request(address, message, delivery)
        .map(Message::body)
        .recover(error -> Future.failedFuture(Failure.toServiceException(step, error)));
  }
}
