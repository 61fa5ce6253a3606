package io.inferencegraph.http;

import io.inferencegraph.api.ErrorCode;
import io.inferencegraph.api.GenerationParams;
import io.inferencegraph.api.ServiceException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * A validated graph request: a fresh id, the prompt and the generation parameters (configured
 * defaults under the request's own), parsed and checked here once. Accepts the seed's
 * {@code text/plain} body, or {@code application/json} {@code {"text": ..., "parameters": {...}}}.
 */
public record GraphRequest(String id, String text, GenerationParams params) {

  public static GraphRequest parse(RoutingContext ctx, GenerationParams defaults, int maxNewTokensLimit) {
    String type = mediaType(ctx.request().getHeader("Content-Type"));
    String body = ctx.body().asString("UTF-8");
    GraphRequest request = switch (type) {
      case "", "text/plain" -> new GraphRequest(newId(), body == null ? "" : body, defaults);
      case "application/json" -> fromJson(body, defaults);
      default -> throw new ServiceException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          "Content-Type " + type + " is not supported; send text/plain or application/json");
    };
    if (request.text().isBlank()) {
      throw new ServiceException(ErrorCode.EMPTY_PROMPT, "the prompt text is empty");
    }
    request.checkLimits(maxNewTokensLimit);
    return request;
  }

  private static GraphRequest fromJson(String body, GenerationParams defaults) {
    JsonObject json;
    try {
      json = new JsonObject(body == null ? "" : body);
    } catch (DecodeException | ClassCastException e) {
      throw new ServiceException(ErrorCode.INVALID_JSON, "the body is not a JSON object: " + e.getMessage());
    }
    Object text = json.getValue("text");
    if (!(text instanceof String)) {
      throw new ServiceException(ErrorCode.INVALID_PARAMETER, "text: must be a string");
    }
    Object parameters = json.getValue("parameters");
    if (parameters != null && !(parameters instanceof JsonObject)) {
      throw new ServiceException(ErrorCode.INVALID_PARAMETER, "parameters: must be an object");
    }
    for (String key : json.fieldNames()) {
      if (!key.equals("text") && !key.equals("parameters")) {
        throw new ServiceException(ErrorCode.INVALID_PARAMETER, key + ": unknown field; known: text, parameters");
      }
    }
    GenerationParams given = parameters == null ? GenerationParams.none()
        : GenerationParams.parse(((JsonObject) parameters).getMap());
    return new GraphRequest(newId(), (String) text, defaults.overriddenBy(given));
  }

  private void checkLimits(int limit) {
    if (params.maxNewTokens() != null && params.maxNewTokens() > limit) {
      throw new ServiceException(ErrorCode.INVALID_PARAMETER, "max_new_tokens: must be at most " + limit);
    }
    if (params.maxLength() != null && params.maxLength() > limit) {
      throw new ServiceException(ErrorCode.INVALID_PARAMETER, "max_length: must be at most " + limit);
    }
  }

  private static String newId() {
    return UUID.randomUUID().toString();
  }

  private static String mediaType(String header) {
    if (header == null) {
      return "";
    }
    int semicolon = header.indexOf(';');
    return (semicolon < 0 ? header : header.substring(0, semicolon)).trim().toLowerCase();
  }
}
