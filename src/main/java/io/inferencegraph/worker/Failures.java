package io.inferencegraph.worker;

import ai.onnxruntime.OrtException;
import io.inferencegraph.bus.Failure;
import io.inferencegraph.bus.FailureCode;
import io.inferencegraph.model.DeadlineExceededException;
import io.inferencegraph.model.InvalidParameterException;
import io.inferencegraph.model.ModelClosedException;
import io.inferencegraph.model.OverloadedException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What a model's exception means on the wire: the code the requester gets, with the model's message. */
final class Failures {
  private static final Logger LOG = LoggerFactory.getLogger(Failures.class);

  private Failures() {}

  static Failure of(String model, Throwable failure) {
    Throwable error = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    if (error instanceof Failure wire) {
      return wire;
    }
    if (error instanceof ModelClosedException) {
      return new Failure(FailureCode.SHUTTING_DOWN, error.getMessage());
    }
    if (error instanceof OverloadedException) {
      return new Failure(FailureCode.OVERLOADED, error.getMessage());
    }
    if (error instanceof CancellationException) {
      return new Failure(FailureCode.CANCELLED, model + ": the request was cancelled");
    }
    if (error instanceof DeadlineExceededException) {
      return new Failure(FailureCode.DEADLINE_EXCEEDED, error.getMessage());
    }
    if (error instanceof InvalidParameterException) {
      return new Failure(FailureCode.INVALID_PARAMETER, error.getMessage());
    }
    if (error instanceof OrtException) { // ONNX Runtime failed the run: its message says why, a trace adds nothing
      LOG.warn("{}: inference failed: {}", model, error.getMessage());
    } else {
      LOG.error(model + ": inference failed", error);
    }
    return new Failure(FailureCode.MODEL_FAILURE, model + ": inference failed: " + error);
  }
}
