package io.inferencegraph.graph;

import io.inferencegraph.api.Deadline;
import io.inferencegraph.api.ErrorCode;
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

/**
 * The models as the edge reaches them: one event-bus request per call, sent with the time the
 * request has left (the model drops work past it) and a send timeout no later than that; a failure
 * comes back as a {@link ServiceException} that says which step and model.
 */
public final class ModelCalls {
  private final EventBus bus;
  private final long timeoutMs;

  /** The bus must have the protocol's codecs ({@code BusCodecs.register}); {@code timeoutMs}: the bus timeout. */
  public ModelCalls(EventBus bus, long timeoutMs) {
    this.bus = bus;
    this.timeoutMs = timeoutMs;
  }

  public EventBus bus() {
    return bus;
  }

  public Future<GenerateReply> generate(String model, GenerateRequest request, Deadline deadline) {
    return ask("generate " + model, Addresses.generator(model), request, deadline);
  }

  public Future<ClassifyReply> classify(String model, ClassifyRequest request, Deadline deadline) {
    return ask("classify " + model, Addresses.classifier(model), request, deadline);
  }

  /** Tells every node serving {@code model} to drop the work of request {@code requestId}. */
  public void cancel(String model, String requestId) {
    bus.publish(Addresses.cancel(model), new CancelRequest(requestId));
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
