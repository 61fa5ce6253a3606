package io.inferencegraph.api;

import java.util.Arrays;

/**
 * Why a request failed, from the edge to the models and back: a stable wire code (never an
 * ordinal) for the event bus and the snake_case {@code error_type} clients see. What each means in
 * HTTP is decided in one place, the edge's error mapper.
 */
public enum ErrorCode {
  INVALID_PARAMETER(1, "invalid_parameter"),
  /** A model's queue is full: refused at once rather than left to wait without bound. */
  OVERLOADED(2, "overloaded"),
  MODEL_FAILURE(3, "model_error"),
  BAD_MESSAGE(4, "bad_message"),
  SHUTTING_DOWN(5, "shutting_down"),
  /** Set by the edge, not by a model: the node handling the request left the cluster. */
  NODE_LEFT(6, "model_node_left"),
  /** The request's deadline passed (or the bus timed out) before it was done; its work was dropped. */
  TIMEOUT(7, "timeout"),
  /** The requester cancelled the request (its client went away); its work was dropped. */
  CANCELLED(8, "cancelled"),
  /** No node serves the model's address. */
  MODEL_UNAVAILABLE(9, "model_unavailable"),
  EVENT_BUS_ERROR(10, "event_bus_error"),
  INVALID_JSON(11, "invalid_json"),
  EMPTY_PROMPT(12, "empty_prompt"),
  UNSUPPORTED_MEDIA_TYPE(13, "unsupported_media_type"),
  PAYLOAD_TOO_LARGE(14, "payload_too_large"),
  TOO_MANY_REQUESTS(15, "too_many_requests"),
  NOT_FOUND(16, "not_found"),
  METHOD_NOT_ALLOWED(17, "method_not_allowed"),
  MODEL_NOT_FOUND(18, "model_not_found"),
  TRACE_NOT_FOUND(19, "trace_not_found"),
  NOT_READY(20, "not_ready"),
  BAD_REQUEST(21, "bad_request"),
  INTERNAL(22, "internal_error"),
  /** The client may not use this endpoint (an admin route asked from another host). */
  FORBIDDEN(23, "forbidden"),
  /** A configuration that cannot be used (a refused reload): nothing was changed. */
  INVALID_CONFIG(24, "invalid_config"),
  /** No API key, or not one of the configured keys. */
  UNAUTHORIZED(25, "unauthorized");

  private final int wire;
  private final String type;

  ErrorCode(int wire, String type) {
    this.wire = wire;
    this.type = type;
  }

  /** The code on the event bus. */
  public int wire() {
    return wire;
  }

  /** The {@code error_type} clients see. */
  public String type() {
    return type;
  }

  /** The code with this wire number; an unknown one (a newer node) counts as a model failure. */
  public static ErrorCode ofWire(int wire) {
    return Arrays.stream(values()).filter(c -> c.wire == wire).findFirst().orElse(MODEL_FAILURE);
  }
}
