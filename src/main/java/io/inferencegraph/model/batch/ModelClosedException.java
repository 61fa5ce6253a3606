package io.inferencegraph.model.batch;

/** A request reached a model that is shutting down; it was not accepted. */
public final class ModelClosedException extends RuntimeException {
  public ModelClosedException(String message) {
    super(message);
  }
}
