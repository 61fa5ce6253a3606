package io.inferencegraph.bus;

import java.util.Arrays;

/**
 * Why a model consumer failed a request, as it travels in the event-bus reply failure: an explicit,
 * stable wire code (never an ordinal). What it means to HTTP is decided at the edge alone.
 */
public enum FailureCode {
  INVALID_PARAMETER(1),
  OVERLOADED(2),
  MODEL_FAILURE(3),
  BAD_MESSAGE(4),
  SHUTTING_DOWN(5),
  /** Set by the edge, not by a model: the node handling the request left the cluster. */
  NODE_LEFT(6),
  /** The request's deadline passed before the model was done; its work was dropped. */
  DEADLINE_EXCEEDED(7),
  /** The requester cancelled the request (its client went away); its work was dropped. */
  CANCELLED(8);

  private final int code;

  FailureCode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The failure with this wire code; an unknown code (a newer node) counts as a model failure. */
  public static FailureCode of(int code) {
    return Arrays.stream(values()).filter(f -> f.code == code).findFirst().orElse(MODEL_FAILURE);
  }
}
