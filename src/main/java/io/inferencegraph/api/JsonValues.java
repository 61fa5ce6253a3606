package io.inferencegraph.api;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import java.util.Collection;
import java.util.Map;

/**
 * JSON as people write it: a value described in their words ({@code the string "5"}, {@code 2.5},
 * {@code a list}), and JSON text decoded with its syntax error placed by line and column and said in a few
 * words ({@link JsonSyntax}), with no parser internals in the message; for request bodies and config files alike.
 */
public final class JsonValues {
  private JsonValues() {}

  /** A syntax error in JSON text, already worded: "is not valid JSON (line L, column C): REASON". */
  public static final class SyntaxError extends RuntimeException {
    SyntaxError(String message) {
      super(message);
    }
  }

  /** The value of {@code text} (an object, list, string, number, boolean or null); throws {@link SyntaxError}. */
  public static Object decode(String text) {
    try {
      return Json.decodeValue(text);
    } catch (DecodeException e) {
      throw new SyntaxError("is not valid JSON" + JsonSyntax.explain(text));
    }
  }

  /** {@code value} as a message shows it: {@code the string "5"}, {@code 2.5}, {@code true}, {@code a list}, {@code an object}, {@code null}. */
  public static String describe(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof String text) {
      return "the string " + Json.encode(text.length() > 40 ? text.substring(0, 40) + "..." : text);
    }
    if (value instanceof Number || value instanceof Boolean) {
      return String.valueOf(value);
    }
    if (value instanceof Collection<?> || value instanceof io.vertx.core.json.JsonArray) {
      return "a list";
    }
    if (value instanceof Map<?, ?> || value instanceof io.vertx.core.json.JsonObject) {
      return "an object";
    }
    return String.valueOf(value);
  }
}
