package io.inferencegraph.model.batch;

/** A request's deadline passed before the model was done with it; the rest of its work was dropped. */
public final class DeadlineExceededException extends RuntimeException {
  public DeadlineExceededException(String message) {
    super(message);
  }
}
