package io.inferencegraph.bus;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * A model consumer's refusal: a wire code and a message, nothing else. It is a reply failure, so the
 * requester's future fails with it, here or on another node (its codec is in {@link BusCodecs}).
 */
public final class Failure extends ReplyException {
  private final FailureCode code;

  public Failure(FailureCode code, String message) {
    super(ReplyFailure.RECIPIENT_FAILURE, code.code(), message, true);
    this.code = code;
  }

  public FailureCode code() {
    return code;
  }
}
