package io.inferencegraph.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import java.io.IOException;
import java.util.Collection;
import java.util.Map;

/**
 * JSON as people write it: a value described in their words ({@code the string "5"}, {@code 2.5},
 * {@code a list}), and JSON text decoded with its syntax error placed by line and column, with no
 * parser internals in the message.
 */
public final class JsonValues {
  private static final JsonFactory FACTORY = new JsonFactory();

  private JsonValues() {}

  /** A syntax error in JSON text, already worded: "is not valid JSON (line L, column C)". */
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
      throw new SyntaxError("is not valid JSON" + where(text));
    }
  }

  /** " (line L, column C)" of the first syntax error Jackson's streaming parser meets, or "" if none is found. */
  private static String where(String text) {
    try (JsonParser parser = FACTORY.createParser(text)) {
      parser.nextToken();
      parser.skipChildren();
      if (parser.nextToken() != null) {
        return " (line " + parser.currentTokenLocation().getLineNr() + ", column "
            + parser.currentTokenLocation().getColumnNr() + ": more after the end of the value)";
      }
      return "";
    } catch (JsonProcessingException e) {
      return e.getLocation() == null ? ""
          : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    } catch (IOException e) {
      return "";
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
