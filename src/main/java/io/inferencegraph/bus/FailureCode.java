package io.inferencegraph.bus;

import java.util.Arrays;

/**
 * Why a model consumer failed a request. The explicit code travels in the event-bus reply failure
 * (never an ordinal); the HTTP edge maps it to a status and an error type.
 */
public enum FailureCode {
  INVALID_PARAMETER(1, 400, "invalid_parameter"),
  OVERLOADED(2, 503, "overloaded"),
  MODEL_FAILURE(3, 500, "model_error"),
  BAD_MESSAGE(4, 500, "bad_message"),
  SHUTTING_DOWN(5, 503, "shutting_down"),
  /** Set by the edge, not by a model: the node handling the request left the cluster. */
  NODE_LEFT(6, 503, "model_node_left");

  private final int code;
  private final int httpStatus;
  private final String errorType;

  FailureCode(int code, int httpStatus, String errorType) {
    this.code = code;
    this.httpStatus = httpStatus;
    this.errorType = errorType;
  }

  public int code() {
    return code;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public String errorType() {
    return errorType;
  }

  /** The failure with this wire code; an unknown code (a newer node) counts as a model failure. */
  public static FailureCode of(int code) {
    return Arrays.stream(values()).filter(f -> f.code == code).findFirst().orElse(MODEL_FAILURE);
  }
}
