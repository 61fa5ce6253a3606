package io.inferencegraph.http;

import io.inferencegraph.api.ErrorCode;
import io.inferencegraph.api.ServiceException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Errors on /v1 speak OpenAI's words: a parameter the edge or a model node names by its Hugging Face
 * name ({@code max_new_tokens}, {@code num_return_sequences}, {@code do_sample}) is named as the
 * client sent it. A model node's refusal crosses the event bus as a message only, so the parameter
 * is found again in the message.
 */
final class OpenAiNames {
  /** Hugging Face's phrase or name, then OpenAI's; the longer phrases first. */
  private static final Map<String, String> WORDS = new LinkedHashMap<>();

  static {
    WORDS.put("set do_sample to true", "set temperature above 0");
    WORDS.put("max_new_tokens", "max_tokens");
    WORDS.put("num_return_sequences", "n");
    WORDS.put("stop_strings", "stop");
    WORDS.put("do_sample", "temperature");
  }

  private static final Pattern NAME = Pattern.compile("\\b(prompt|max_new_tokens|num_return_sequences|stop_strings|do_sample|max_length"
      + "|temperature|top_p|seed)\\b");

  private OpenAiNames() {}

  /** The OpenAI name of a generation parameter. */
  static String of(String field) {
    return field == null ? null : WORDS.getOrDefault(field, field);
  }

  /** {@code error} with OpenAI's names in its message and param (the first parameter its message names). */
  static ServiceException translate(ServiceException error) {
    String message = error.getMessage() == null ? "" : error.getMessage();
    String param = error.param();
    if (param == null && error.code() == ErrorCode.INVALID_PARAMETER) {
      Matcher named = NAME.matcher(message);
      param = named.find() ? named.group(1) : null;
    }
    String translated = message;
    for (Map.Entry<String, String> word : WORDS.entrySet()) {
      translated = translated.replaceAll("\\b" + Pattern.quote(word.getKey()) + "\\b",
          Matcher.quoteReplacement(word.getValue()));
    }
    if (translated.equals(message) && Objects.equals(error.param(), of(param))) {
      return error;
    }
    return new ServiceException(error.code(), translated, of(param), error);
  }
}
