package io.inferencegraph.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where and why JSON text is malformed, in a person's words: " (line L, column C): expected ':' after the field
 * name, got '1'". Jackson's streaming parser finds the place; its message is reworded, never shown, so no parser
 * names, character codes or source references reach the user.
 */
final class JsonSyntax {
  /** As Vert.x's own codec reads JSON: comments allowed. */
  private static final JsonFactory FACTORY = JsonFactory.builder().enable(JsonReadFeature.ALLOW_JAVA_COMMENTS).build();
  /** The character Jackson quotes as ('x' (code 120)). */
  private static final Pattern CHARACTER = Pattern.compile("\\('(.+?)' \\(code \\d+\\)\\)");
  /** The word or character Jackson quotes as token 'x', marker 'x' or escape 'x'. */
  private static final Pattern QUOTED = Pattern.compile("(?:token|marker|escape) '([^']*)'");

  private JsonSyntax() {}

  /** " (line L, column C): REASON" for the first error in {@code text}; ": REASON" when it has no place. */
  static String explain(String text) {
    if (text.isBlank()) {
      return ": the text is empty";
    }
    try (JsonParser parser = FACTORY.createParser(text)) {
      parser.nextToken();
      parser.skipChildren();
      JsonLocation end = parser.currentLocation();
      try {
        if (parser.nextToken() != null) {
          return at(parser.currentTokenLocation()) + ": more after the end of the value";
        }
      } catch (JsonProcessingException e) {
        return at(e.getLocation() == null ? end : e.getLocation()) + ": more after the end of the value";
      }
      return ": malformed";
    } catch (JsonProcessingException e) {
      return (e.getLocation() == null ? "" : at(e.getLocation())) + ": " + reason(e.getOriginalMessage());
    } catch (IOException e) {
      return ": unreadable";
    }
  }

  private static String at(JsonLocation location) {
    return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
  }

  /** Jackson's message, reworded: what was expected and what came instead. */
  static String reason(String jackson) {
    String message = jackson == null ? "" : jackson;
    String got = got(message);
    if (message.startsWith("Unexpected end-of-input")) {
      if (message.contains("Object")) {
        return "the text ends before '}' closes the object";
      }
      if (message.contains("Array")) {
        return "the text ends before ']' closes the list";
      }
      return message.contains("string") || message.contains("field name") ? "the text ends inside a string"
          : "the text ends too soon";
    }
    if (message.startsWith("Unrecognized token") || message.startsWith("Non-standard token")) {
      return "expected a value, got " + got + " (text needs double quotes; true, false and null are lower case)";
    }
    if (message.startsWith("Unexpected close marker")) {
      return got + " closes nothing that is open";
    }
    if (message.startsWith("Illegal unquoted character")) {
      return "a line break, tab or other control character inside a string must be escaped (\\n, \\t)";
    }
    if (message.startsWith("Unrecognized character escape")) {
      return "unknown escape \\" + got.replace("'", "") + " in a string";
    }
    if (message.contains("in numeric value") || message.startsWith("Invalid numeric value")) {
      return "a malformed number";
    }
    return expected(message) + ", got " + got;
  }

  private static String expected(String message) {
    if (message.contains("double-quote to start field name")) {
      return "expected a field name in double quotes";
    }
    if (message.contains("colon to separate")) {
      return "expected ':' after the field name";
    }
    if (message.contains("comma to separate Object")) {
      return "expected ',' or '}' after the value";
    }
    if (message.contains("comma to separate Array")) {
      return "expected ',' or ']' after the value";
    }
    return "expected a value";
  }

  /** What Jackson met, quoted: 'x'; "something else" when its message does not say. */
  private static String got(String message) {
    Matcher character = CHARACTER.matcher(message);
    if (character.find()) {
      return "'" + character.group(1) + "'";
    }
    Matcher quoted = QUOTED.matcher(message);
    return quoted.find() ? "'" + quoted.group(1) + "'" : "something else";
  }
}
