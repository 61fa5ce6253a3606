package io.inferencegraph.bus;

import io.inferencegraph.api.ErrorCode;
import io.inferencegraph.api.ServiceException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * A model consumer's refusal: a wire code and a message, nothing else. It is a reply failure, so the
 * requester's future fails with it, here or on another node (its codec is in {@link BusCodecs}).
 */
public final class Failure extends ReplyException {
  private final ErrorCode code;

  public Failure(ErrorCode code, String message) {
    super(ReplyFailure.RECIPIENT_FAILURE, code.wire(), message, true);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  /**
   * What a failed request on the bus means to the requester, {@code context} (or null) before the
   * message: a model's refusal keeps its code, a send timeout is a timeout, no handler means no node
   * serves the model.
   */
  public static ServiceException toServiceException(String context, Throwable error) {
    String message = context == null ? error.getMessage() : context + ": " + error.getMessage();
    if (error instanceof ServiceException known) {
      return context == null ? known : new ServiceException(known.code(), message, known);
    }
    if (!(error instanceof ReplyException reply)) {
      return new ServiceException(ErrorCode.INTERNAL, message, error);
    }
    ErrorCode code = switch (reply.failureType()) {
      case TIMEOUT -> ErrorCode.TIMEOUT;
      case NO_HANDLERS -> ErrorCode.MODEL_UNAVAILABLE;
      case ERROR -> ErrorCode.EVENT_BUS_ERROR;
      case RECIPIENT_FAILURE -> ErrorCode.ofWire(reply.failureCode());
    };
    return new ServiceException(code, message, reply);
  }
}
