package io.inferencegraph.worker;

import ai.onnxruntime.OrtException;
import io.inferencegraph.api.ErrorCode;
import io.inferencegraph.api.ServiceException;
import io.inferencegraph.bus.Failure;
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
    if (error instanceof ServiceException known) {
      return new Failure(known.code(), known.getMessage());
    }
    if (error instanceof CancellationException) {
      return new Failure(ErrorCode.CANCELLED, model + ": the request was cancelled");
    }
    if (error instanceof OrtException) { // ONNX Runtime failed the run: its message says why, a trace adds nothing
      LOG.warn("{}: inference failed: {}", model, error.getMessage());
    } else {
      LOG.error(model + ": inference failed", error);
    }
    return new Failure(ErrorCode.MODEL_FAILURE, model + ": inference failed: " + error);
  }
}
