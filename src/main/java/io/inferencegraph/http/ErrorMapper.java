package io.inferencegraph.http;

import io.inferencegraph.bus.FailureCode;
import io.inferencegraph.graph.GraphCancelledException;
import io.inferencegraph.graph.StageException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP: a status and {@code {"error", "error_type"}}. Every
 * handler fails with {@code ctx.fail(...)}; the router's failure handler is {@link #handle}.
 */
final class ErrorMapper {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

  private ErrorMapper() {}

  /** The failure handler: answers the failure of {@code ctx} unless an answer has already gone out. */
  static void handle(RoutingContext ctx) {
    send(ctx.response(), map(ctx.statusCode(), ctx.failure()));
  }

  /** {@code status} is what vert.x-web failed with (404, 413, 504, ...; -1 when a handler failed with an exception). */
  static ApiException map(int status, Throwable failure) {
    Throwable error = failure instanceof StageException ? failure.getCause() : failure;
    if (error instanceof ApiException api) {
      return api;
    }
    if (error instanceof GraphCancelledException) {
      return new ApiException(499, "cancelled", error.getMessage());
    }
    if (error instanceof ReplyException reply) {
      return fromBus(reply, failure.getMessage());
    }
    if (status > 0 && status != 500) {
      return forStatus(status, failure);
    }
    if (failure != null) {
      LOG.error("unexpected failure", failure);
    }
    String message = failure == null ? "internal error" : failure.getMessage();
    return new ApiException(500, "internal_error", message == null ? String.valueOf(failure) : message);
  }

  private static ApiException fromBus(ReplyException reply, String message) {
    return switch (reply.failureType()) {
      case TIMEOUT -> new ApiException(504, "timeout", message);
      case NO_HANDLERS -> new ApiException(503, "model_unavailable", message);
      case ERROR -> new ApiException(502, "event_bus_error", message);
      case RECIPIENT_FAILURE -> switch (FailureCode.of(reply.failureCode())) {
        case INVALID_PARAMETER -> new ApiException(400, "invalid_parameter", message);
        case OVERLOADED -> new ApiException(503, "overloaded", message);
        case MODEL_FAILURE -> new ApiException(500, "model_error", message);
        case BAD_MESSAGE -> new ApiException(500, "bad_message", message);
        case SHUTTING_DOWN -> new ApiException(503, "shutting_down", message);
        case NODE_LEFT -> new ApiException(503, "model_node_left", message);
        case DEADLINE_EXCEEDED -> new ApiException(504, "timeout", message);
        case CANCELLED -> new ApiException(499, "cancelled", message);
      };
    };
  }

  private static ApiException forStatus(int status, Throwable failure) {
    return switch (status) {
      case 404 -> new ApiException(404, "not_found", "no such endpoint");
      case 405 -> new ApiException(405, "method_not_allowed", "method not allowed on this endpoint");
      case 413 -> new ApiException(413, "payload_too_large", "request body is over the configured limit");
      case 415 -> new ApiException(415, "unsupported_media_type", "unsupported content type");
      case 504 -> new ApiException(504, "timeout", "the request took longer than the configured timeout");
      case 400 -> new ApiException(400, "bad_request", failure == null ? "bad request" : failure.getMessage());
      default -> new ApiException(status, "internal_error", failure == null ? "error" : String.valueOf(failure.getMessage()));
    };
  }

  private static void send(HttpServerResponse response, ApiException error) {
    if (response.ended() || response.closed()) {
      return;
    }
    if (response.headWritten()) { // a stream under way (the edge timed it out): the error is its last event
      response.end(EventStream.event("error",
          new JsonObject().put("error", error.getMessage()).put("error_type", error.errorType()).encode()));
      return;
    }
    response.setStatusCode(error.status()).putHeader("Content-Type", "application/json");
    if (error.status() == 429 || error.status() == 503) {
      response.putHeader("Retry-After", "1");
    }
    response.end(new JsonObject().put("error", error.getMessage()).put("error_type", error.errorType()).encode());
  }
}
