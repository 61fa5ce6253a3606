package io.inferencegraph.graph;

/** A failed call to one model of the graph: says which stage and model, keeps the event-bus failure as cause. */
public final class StageException extends RuntimeException {
  StageException(String stage, String model, Throwable cause) {
    super(stage + " " + model + ": " + cause.getMessage(), cause);
  }
}
