package io.inferencegraph.model.decode;

import java.nio.FloatBuffer;
import java.util.HashSet;
import java.util.Set;

/**
 * transformers' logits processors that look at the tokens so far (prompt included), applied to one
 * row of logits in place. {@link Sequence} applies them in the order of transformers' (4.x and 5.x)
 * {@code _get_logits_processor}: repetition penalty, n-gram ban, bad words, then min_new_tokens' eos ban.
 */
final class LogitsProcessors {
  private LogitsProcessors() {}

  /**
   * RepetitionPenaltyLogitsProcessor: every token present in {@code tokens[0, length)} gets its logit
   * divided by {@code penalty} when positive, multiplied by it when negative; 1 changes nothing. In
   * float32 with the penalty rounded to float, as torch computes it, so the results match bit for bit.
   */
  static void repetitionPenalty(FloatBuffer logits, int offset, int candidates, long[] tokens, int length,
      double penalty) {
    if (penalty == 1.0) {
      return;
    }
    float factor = (float) penalty;
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < length; i++) {
      long id = tokens[i];
      if (id >= 0 && id < candidates && seen.add(id)) {
        float logit = logits.get(offset + (int) id);
        logits.put(offset + (int) id, logit < 0 ? logit * factor : logit / factor);
      }
    }
  }

  /**
   * NoRepeatNGramLogitsProcessor: bans each token that would complete an n-gram already present in
   * {@code tokens[0, length)}; 0 bans nothing.
   */
  static void noRepeatNgram(FloatBuffer logits, int offset, int candidates, long[] tokens, int length, int n) {
    if (n <= 0 || length + 1 < n) {
      return;
    }
    int prefixStart = length - n + 1; // the last n-1 tokens: the prefix the next token would complete
    for (int start = 0; start + n <= length; start++) {
      boolean same = true;
      for (int k = 0; k < n - 1 && same; k++) {
        same = tokens[start + k] == tokens[prefixStart + k];
      }
      long banned = tokens[start + n - 1];
      if (same && banned >= 0 && banned < candidates) {
        logits.put(offset + (int) banned, Float.NEGATIVE_INFINITY);
      }
    }
  }

  /**
   * NoBadWordsLogitsProcessor: bans a one-token word always, and the last token of a longer word
   * where {@code tokens[0, length)} (the prompt included) ends with the word's other tokens.
   */
  static void badWords(FloatBuffer logits, int offset, int candidates, long[] tokens, int length, long[][] words) {
    for (long[] word : words) {
      int prefix = word.length - 1;
      long banned = word[prefix];
      if (prefix > length || banned >= candidates) {
        continue;
      }
      boolean same = true;
      for (int k = 0; k < prefix && same; k++) {
        same = tokens[length - prefix + k] == word[k];
      }
      if (same) {
        logits.put(offset + (int) banned, Float.NEGATIVE_INFINITY);
      }
    }
  }
}
