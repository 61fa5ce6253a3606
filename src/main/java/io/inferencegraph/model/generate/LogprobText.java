package io.inferencegraph.model.generate;

import io.inferencegraph.api.TokenLogprob;
import io.inferencegraph.model.decode.LogprobTrace;
import io.inferencegraph.model.decode.TopLogprobs;
import io.inferencegraph.model.load.TextTokenizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Turns a sequence's {@link LogprobTrace} into OpenAI's per-token entries. A token's text is its id
 * decoded alone, special tokens kept (as vLLM and Hugging Face do: a token that is part of a UTF-8
 * character decodes to U+FFFD). The alternatives are the N best, then the chosen token if it is not
 * among them (OpenAI: "up to logprobs+1 elements"); two ids with the same text keep the better one.
 */
final class LogprobText {
  private LogprobText() {}

  /**
   * Entries for new tokens [from, to) of a sequence whose continuation has {@code textLength} characters.
   * {@code prefix} decodes the continuation of the first n new tokens: where the decode loop did not note a
   * token's text end (a caller that steps a batch itself), it is found from there.
   */
  static List<TokenLogprob> entries(TextTokenizer tokenizer, LogprobTrace trace, int from, int to, int textLength,
      IntFunction<String> prefix) {
    for (int n = trace.ended() + 1; n < to; n++) {
      trace.textEnd(n, wholeCharacters(prefix.apply(n)));
    }
    List<TokenLogprob> entries = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      TopLogprobs.Step step = trace.steps().get(i);
      Map<String, Double> top = new LinkedHashMap<>();
      boolean chosenListed = false;
      for (int k = 0; k < step.topIds().length; k++) {
        top.putIfAbsent(tokenizer.decodeToken(step.topIds()[k]), step.topLogprobs()[k]);
        chosenListed |= step.topIds()[k] == step.token();
      }
      String token = tokenizer.decodeToken(step.token());
      if (!chosenListed) {
        top.putIfAbsent(token, step.logprob());
      }
      entries.add(new TokenLogprob(token, step.logprob(), top, trace.textOffset(i, textLength)));
    }
    return entries;
  }

  /** The length of {@code text} without a trailing half character (U+FFFD until the rest of its bytes come). */
  static int wholeCharacters(String text) {
    int length = text.length();
    while (length > 0 && text.charAt(length - 1) == '\uFFFD') {
      length--;
    }
    return length;
  }
}
