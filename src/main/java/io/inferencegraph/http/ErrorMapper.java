package io.inferencegraph.http;

import io.inferencegraph.api.ErrorCode;
import io.inferencegraph.api.ServiceException;
import io.inferencegraph.bus.Failure;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP: every failure becomes a {@link ServiceException}, whose
 * {@link ErrorCode} alone decides the status, and the body is {@code {"error", "error_type"}} on the
 * graph's routes or OpenAI's {@code {"error": {message, type, param, code}}} on /v1. Handlers fail with
 * {@code ctx.fail(...)}; the routers' failure handlers are {@link #handle} and {@link #handleOpenAi}.
 */
final class ErrorMapper {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);
  /** Where the router keeps http.max_body_bytes on each request, so that a 413 can name the limit. */
  static final String BODY_LIMIT = "io.inferencegraph.max_body_bytes";

  private ErrorMapper() {}

  /** The graph routes' failure handler: answers unless an answer has already gone out. */
  static void handle(RoutingContext ctx) {
    ServiceException error = of(ctx);
    JsonObject body = body(error);
    send(ctx.response(), error, body, EventStream.event("error", body.encode()));
  }

  /** For vert.x-web's own 404 and 405: OpenAI's shape under /v1, ours elsewhere. */
  static void handleByPath(RoutingContext ctx) {
    if (ctx.request().path() != null && ctx.request().path().startsWith("/v1/")) {
      handleOpenAi(ctx);
    } else {
      handle(ctx);
    }
  }

  /** The /v1 routes' failure handler: OpenAI's error shape, the same status. */
  static void handleOpenAi(RoutingContext ctx) {
    ServiceException error = OpenAiNames.translate(of(ctx));
    JsonObject body = openAiBody(error);
    send(ctx.response(), error, body, "data: " + body.encode() + "\n\n");
  }

  private static ServiceException of(RoutingContext ctx) {
    Object limit = ctx.get(BODY_LIMIT);
    if (ctx.statusCode() == 413 && limit != null && !(ctx.failure() instanceof ServiceException)) {
      return new ServiceException(ErrorCode.PAYLOAD_TOO_LARGE, "the body is larger than the limit of " + limit
          + " bytes (http.max_body_bytes)");
    }
    return of(ctx.statusCode(), ctx.failure());
  }

  /**
   * The typed error for a failure: {@code status} is what vert.x-web failed with (404, 413, 504, ...;
   * -1 when a handler failed with an exception). Anything unexpected is a logged internal error.
   */
  static ServiceException of(int status, Throwable failure) {
    if (failure instanceof ServiceException known) {
      return known;
    }
    if (failure instanceof ReplyException) {
      return Failure.toServiceException(null, failure);
    }
    if (status > 0 && status != 500) {
      return forStatus(status, failure);
    }
    if (failure != null) {
      LOG.error("unexpected failure", failure);
    }
    String message = failure == null ? "internal error" : failure.getMessage();
    return new ServiceException(ErrorCode.INTERNAL, message == null ? String.valueOf(failure) : message);
  }

  /** The HTTP status of each error code: the only place that chooses one. */
  static int status(ErrorCode code) {
    return switch (code) {
      case INVALID_PARAMETER, INVALID_JSON, EMPTY_PROMPT, BAD_REQUEST -> 400;
      case UNAUTHORIZED -> 401;
      case FORBIDDEN -> 403;
      case NOT_FOUND, MODEL_NOT_FOUND, TRACE_NOT_FOUND -> 404;
      case METHOD_NOT_ALLOWED -> 405;
      case PAYLOAD_TOO_LARGE -> 413;
      case UNSUPPORTED_MEDIA_TYPE -> 415;
      case INVALID_CONFIG -> 422;
      case TOO_MANY_REQUESTS -> 429;
      case CANCELLED -> 499;
      case MODEL_FAILURE, BAD_MESSAGE, INTERNAL -> 500;
      case EVENT_BUS_ERROR -> 502;
      case OVERLOADED, SHUTTING_DOWN, NODE_LEFT, MODEL_UNAVAILABLE, NOT_READY -> 503;
      case TIMEOUT -> 504;
    };
  }

  /** The graph routes' error body. */
  static JsonObject body(ServiceException error) {
    return new JsonObject().put("error", error.getMessage()).put("error_type", error.code().type());
  }

  /** OpenAI's error body; {@code param} names the offending field when known. */
  static JsonObject openAiBody(ServiceException error) {
    int status = status(error.code());
    String type = status == 429 ? "rate_limit_error" : status < 500 ? "invalid_request_error" : "server_error";
    return new JsonObject().put("error", new JsonObject().put("message", error.getMessage()).put("type", type)
        .put("param", error.param()).put("code", error.code().type()));
  }

  private static ServiceException forStatus(int status, Throwable failure) {
    return switch (status) {
      case 401 -> new ServiceException(ErrorCode.UNAUTHORIZED, "an API key is required");
      case 403 -> new ServiceException(ErrorCode.FORBIDDEN, "not allowed from here");
      case 404 -> new ServiceException(ErrorCode.NOT_FOUND, "no such endpoint");
      case 405 -> new ServiceException(ErrorCode.METHOD_NOT_ALLOWED, "method not allowed on this endpoint");
      case 413 -> new ServiceException(ErrorCode.PAYLOAD_TOO_LARGE, "the body is larger than the limit (http.max_body_bytes)");
      case 415 -> new ServiceException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "unsupported content type");
      case 504 -> new ServiceException(ErrorCode.TIMEOUT, "the request took longer than the configured timeout");
      case 400 -> new ServiceException(ErrorCode.BAD_REQUEST, failure == null ? "bad request" : failure.getMessage());
      default -> new ServiceException(ErrorCode.INTERNAL, "HTTP " + status
          + (failure == null ? "" : ": " + failure.getMessage()));
    };
  }

  /** A stream under way (its head is written) ends with {@code streamEvent}; otherwise status and body. */
  private static void send(HttpServerResponse response, ServiceException error, JsonObject body, String streamEvent) {
    if (response.ended() || response.closed()) {
      return;
    }
    if (response.headWritten()) {
      response.end(streamEvent);
      return;
    }
    int status = status(error.code());
    response.setStatusCode(status).putHeader("Content-Type", "application/json");
    if (status == 429 || status == 503) {
      response.putHeader("Retry-After", "1");
    }
    if (status == 401) {
      // RFC 6750: the scheme the client should use; OpenAI clients send exactly this.
      response.putHeader("WWW-Authenticate", "Bearer realm=\"inference-graph\"");
    }
    response.end(body.encode());
  }
}
