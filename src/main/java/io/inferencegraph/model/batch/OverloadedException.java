package io.inferencegraph.model.batch;

/** A model's queue is full: the request is refused at once rather than left to wait without bound. */
public final class OverloadedException extends RuntimeException {
  public OverloadedException(String message) {
    super(message);
  }
}
