package io.inferencegraph.bus;

/** A failed call to one model of the graph; says which stage and model, keeps the event-bus cause. */
public final class StageException extends RuntimeException {
  private final String model;

  public StageException(String stage, String model, Throwable cause) {
    super(stage + " " + model + ": " + cause.getMessage(), cause);
    this.model = model;
  }

  public String model() {
    return model;
  }
}
