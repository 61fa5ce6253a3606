package io.inferencegraph.worker;

import io.inferencegraph.bus.FailureCode;
import io.inferencegraph.model.InvalidParameterException;
import io.inferencegraph.model.ModelClosedException;
import io.inferencegraph.model.OverloadedException;
import java.util.concurrent.CompletionException;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every request gets a reply: a model that throws fails the message with a code, never silence. */
final class Replies {
  private static final Logger LOG = LoggerFactory.getLogger(Replies.class);

  private Replies() {}

  static void fail(Message<?> message, String model, Throwable failure) {
    Throwable error = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (error instanceof ModelClosedException) {
      message.fail(FailureCode.SHUTTING_DOWN.code(), error.getMessage());
    } else if (error instanceof OverloadedException) {
      message.fail(FailureCode.OVERLOADED.code(), error.getMessage());
    } else if (error instanceof InvalidParameterException) {
      message.fail(FailureCode.INVALID_PARAMETER.code(), error.getMessage());
    } else if (error instanceof IllegalArgumentException) {
      message.fail(FailureCode.BAD_MESSAGE.code(), model + ": " + error.getMessage());
    } else {
      LOG.error(model + ": inference failed", error);
      message.fail(FailureCode.MODEL_FAILURE.code(), model + ": inference failed: " + error);
    }
  }
}
