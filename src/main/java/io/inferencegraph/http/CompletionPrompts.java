package io.inferencegraph.http;

import io.inferencegraph.api.JsonValues;
import io.inferencegraph.api.ServiceException;
import io.inferencegraph.api.TokenPrompt;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI's {@code prompt} in its four forms: a string, an array of strings, an array of token ids
 * (one prompt) or an array of such arrays. Each prompt is a {@code String} or a {@link TokenPrompt}.
 */
final class CompletionPrompts {
  private static final String FORMS = "must be a string, an array of strings, an array of token ids or an array of "
      + "arrays of token ids";

  private CompletionPrompts() {}

  static List<Object> parse(Object prompt) {
    if (prompt instanceof String text) {
      return List.of(text);
    }
    if (prompt == null) {
      throw ServiceException.invalid("prompt", "is missing; it " + FORMS);
    }
    if (!(prompt instanceof JsonArray array)) {
      throw ServiceException.invalid("prompt", FORMS + ", got " + JsonValues.describe(prompt));
    }
    if (array.isEmpty()) {
      throw ServiceException.invalid("prompt", "must not be an empty array");
    }
    Object first = array.getValue(0);
    if (first instanceof Number) {
      return List.of(tokens(array, "prompt"));
    }
    List<Object> prompts = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      Object item = array.getValue(i);
      if (first instanceof String && item instanceof String text) {
        prompts.add(text);
      } else if (first instanceof JsonArray && item instanceof JsonArray ids) {
        prompts.add(tokens(ids, "prompt[" + i + "]"));
      } else {
        throw ServiceException.invalid("prompt", FORMS + " (one kind throughout); item " + i + " is "
            + JsonValues.describe(item));
      }
    }
    return prompts;
  }

  /** The text a generator's answer starts with for this prompt: none for token ids. */
  static String text(Object prompt) {
    return prompt instanceof String text ? text : "";
  }

  private static TokenPrompt tokens(JsonArray array, String where) {
    if (array.isEmpty()) {
      throw ServiceException.invalid("prompt", where + " must not be an empty array of token ids");
    }
    List<Long> ids = new ArrayList<>();
    for (Object item : array) {
      if (!(item instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() < 0) {
        throw ServiceException.invalid("prompt", where + ": token ids must be integers >= 0, got "
            + JsonValues.describe(item));
      }
      ids.add(n.longValue());
    }
    return new TokenPrompt(ids);
  }
}
