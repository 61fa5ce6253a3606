package io.inferencegraph.http;

import io.inferencegraph.api.ErrorCode;
import io.inferencegraph.api.JsonValues;
import io.inferencegraph.api.ServiceException;
import io.vertx.core.json.JsonObject;

/**
 * A request body that must be one JSON object, with errors in the user's words: an empty body, a
 * syntax error by line and column, or another JSON value where the object belongs, each naming what to send.
 */
final class JsonBody {
  private JsonBody() {}

  /** {@code example}: what a good body looks like, as the error messages show it. */
  static JsonObject object(String body, String example) {
    if (body == null || body.isBlank()) {
      throw new ServiceException(ErrorCode.INVALID_JSON, "the body is empty; send a JSON object like " + example);
    }
    Object value;
    try {
      value = JsonValues.decode(body);
    } catch (JsonValues.SyntaxError e) {
      throw new ServiceException(ErrorCode.INVALID_JSON, "the body " + e.getMessage());
    }
    if (!(value instanceof JsonObject object)) {
      throw new ServiceException(ErrorCode.INVALID_JSON, "the body must be a JSON object like " + example
          + ", got " + JsonValues.describe(value));
    }
    return object;
  }
}
