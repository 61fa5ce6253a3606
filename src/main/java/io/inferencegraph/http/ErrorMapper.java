package io.inferencegraph.http;

import io.inferencegraph.bus.FailureCode;
import io.inferencegraph.bus.StageException;
import io.inferencegraph.model.InvalidParameterException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place where failures become HTTP: a status and {@code {"error", "error_type"}}. */
public final class ErrorMapper {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

  private ErrorMapper() {}

  public static ApiException map(Throwable failure) {
    Throwable error = failure instanceof StageException stage ? stage.getCause() : failure;
    String message = failure.getMessage();
    if (error instanceof ApiException api) {
      return api;
    }
    if (error instanceof InvalidParameterException) {
      return new ApiException(400, "invalid_parameter", message);
    }
    if (error instanceof ReplyException reply) {
      return switch (reply.failureType()) {
        case TIMEOUT -> new ApiException(504, "timeout", message);
        case NO_HANDLERS -> new ApiException(503, "model_unavailable", message);
        case RECIPIENT_FAILURE -> {
          FailureCode code = FailureCode.of(reply.failureCode());
          yield new ApiException(code.httpStatus(), code.errorType(), message);
        }
        case ERROR -> new ApiException(502, "event_bus_error", message);
      };
    }
    LOG.error("unexpected failure", failure);
    return new ApiException(500, "internal_error", message == null ? failure.toString() : message);
  }

  /** For statuses that vert.x-web raises itself (404, 405, 413, ...). */
  public static ApiException forStatus(int status, Throwable failure) {
    if (failure instanceof ApiException api) {
      return api;
    }
    if (failure != null && status == 500) {
      return map(failure);
    }
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

  public static void send(HttpServerResponse response, ApiException error) {
    if (response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(error.status()).putHeader("Content-Type", "application/json");
    if (error.status() == 429 || error.status() == 503) {
      response.putHeader("Retry-After", "1");
    }
    response.end(new JsonObject().put("error", error.getMessage()).put("error_type", error.errorType()).encode());
  }
}
