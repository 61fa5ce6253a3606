package io.inferencegraph.model.decode;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("transformers' repetition penalty, n-gram ban and bad words, on one row of logits")
class LogitsProcessorsTest {
  private static final long[] TOKENS = {1, 2, 3, 1, 2, 9};

  private static float[] apply(float[] row, int offset, int length, double penalty, int ngram) {
    float[] padded = new float[offset + row.length];
    System.arraycopy(row, 0, padded, offset, row.length);
    FloatBuffer logits = FloatBuffer.wrap(padded);
    LogitsProcessors.repetitionPenalty(logits, offset, row.length - 1, TOKENS, length, penalty);
    LogitsProcessors.noRepeatNgram(logits, offset, row.length - 1, TOKENS, length, ngram);
    float[] out = new float[row.length];
    System.arraycopy(padded, offset, out, 0, row.length);
    return out;
  }

  @Test
  @DisplayName("a seen token's positive logit is divided by the penalty, a negative one multiplied; others and ids past candidates untouched")
  void repetitionPenalty() {
    float[] row = {4, 4, -4, 2, 6, 0, 0, 0, 0, 0, 8};
    // length 5: tokens 1, 2, 3, 1, 2 seen (9 not yet); the last slot lies past candidates
    assertThat(apply(row, 3, 5, 2.0, 0)).containsExactly(4, 2, -8, 1, 6, 0, 0, 0, 0, 0, 8);
    assertThat(apply(row, 0, 5, 1.0, 0)).containsExactly(row);
  }

  @Test
  @DisplayName("a token that would complete an n-gram already present is banned; shorter histories ban nothing")
  void noRepeatNgram() {
    float[] row = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    float inf = Float.NEGATIVE_INFINITY;
    // after 1 2 3 1 2: the bigram (2, 3) was seen, so 3 is banned after the last 2
    assertThat(apply(row, 2, 5, 1.0, 2)).containsExactly(1, 1, 1, inf, 1, 1, 1, 1, 1, 1, 1);
    // trigram (1, 2, 3) seen, the last two are 1 2: 3 banned
    assertThat(apply(row, 0, 5, 1.0, 3)).containsExactly(1, 1, 1, inf, 1, 1, 1, 1, 1, 1, 1);
    // unigrams: every token seen is banned
    assertThat(apply(row, 0, 5, 1.0, 1)).containsExactly(1, inf, inf, inf, 1, 1, 1, 1, 1, 1, 1);
    // 4-grams after 1 2 3 1 2 9: last three are 1 2 9, never seen before
    assertThat(apply(row, 0, 6, 1.0, 4)).containsExactly(row);
    assertThat(apply(row, 0, 2, 1.0, 4)).as("fewer tokens than n - 1").containsExactly(row);
    assertThat(apply(row, 0, 5, 1.0, 0)).containsExactly(row);
  }

  @Test
  @DisplayName("the penalty is applied in float32 with the penalty rounded to float, as torch does, once per token")
  void repetitionPenaltyInFloat32() {
    // Expected values printed by transformers 5.18's RepetitionPenaltyLogitsProcessor(1.3) on torch 2.13
    // for input_ids [0, 1, 1, 4, 5]; double arithmetic gives 0.99999994 and -3.9 instead of 1.0 and -3.8999999.
    float[] row = {1.3f, -3.0f, 0.5f, 3.0f, -0.25f, 0.0f, 7f};
    FloatBuffer logits = FloatBuffer.wrap(row.clone());
    LogitsProcessors.repetitionPenalty(logits, 0, 6, new long[] {0, 1, 1, 4, 5, 6, 3}, 5, 1.3);
    assertThat(logits.array()).containsExactly(1.0f, -3.8999999f, 0.5f, 3.0f, -0.325f, 0.0f, 7f);
    FloatBuffer all = FloatBuffer.wrap(row.clone());
    LogitsProcessors.repetitionPenalty(all, 0, 6, new long[] {0, 1, 1, 4, 5, 6, 3}, 7, 1.3);
    assertThat(all.array()).as("id 6 lies past the 6 candidates; 3 is now seen too")
        .containsExactly(1.0f, -3.8999999f, 0.5f, 2.3076923f, -0.325f, 0.0f, 7f);
    FloatBuffer below = FloatBuffer.wrap(row.clone());
    LogitsProcessors.repetitionPenalty(below, 0, 6, new long[] {0, 1, 1, 4, 5}, 5, 0.7);
    assertThat(below.array()).as("a penalty below 1 rewards repeats")
        .containsExactly(1.8571428f, -2.1f, 0.5f, 3.0f, -0.175f, 0.0f, 7f);
  }

  @Test
  @DisplayName("n-grams anywhere in the history, overlapping ones and ones ending at the last token, ban their next token")
  void noRepeatNgramEdges() {
    float inf = Float.NEGATIVE_INFINITY;
    // transformers 5.18's NoRepeatNGramLogitsProcessor gives the same bans on these histories
    assertThat(ngram(new long[] {1, 2, 3, 4, 1, 2, 5, 1, 2}, 3)).containsExactly(0, 0, 0, inf, 0, inf, 0);
    assertThat(ngram(new long[] {5, 5}, 2)).containsExactly(0, 0, 0, 0, 0, inf, 0);
    assertThat(ngram(new long[] {3, 0, 3}, 2)).as("token 0 can be banned").containsExactly(inf, 0, 0, 0, 0, 0, 0);
    assertThat(ngram(new long[] {1, 1, 1}, 3)).containsExactly(0, inf, 0, 0, 0, 0, 0);
    assertThat(ngram(new long[] {1, 2, 3}, 4)).containsExactly(0, 0, 0, 0, 0, 0, 0);
    assertThat(ngram(new long[] {1, 2, 6, 1, 2}, 3)).as("a banned id past the candidates is left alone")
        .containsExactly(0, 0, 0, 0, 0, 0, 0);
  }

  private static float[] ngram(long[] tokens, int n) {
    FloatBuffer logits = FloatBuffer.allocate(7);
    LogitsProcessors.noRepeatNgram(logits, 0, 6, tokens, tokens.length, n);
    return logits.array();
  }

  @Test
  @DisplayName("a one-token bad word is always banned; a longer one bans its last token only where the history ends with the rest")
  void badWords() {
    float inf = Float.NEGATIVE_INFINITY;
    // Each line: transformers 5.18's NoBadWordsLogitsProcessor (eos 5) on the same history gives the same row.
    assertThat(bad(new long[] {0}, new long[][] {{3}})).containsExactly(0, 0, 0, inf, 0, 0, 0);
    assertThat(bad(new long[] {0, 1}, new long[][] {{1, 2}})).containsExactly(0, 0, inf, 0, 0, 0, 0);
    assertThat(bad(new long[] {1, 0}, new long[][] {{1, 2}})).as("the prefix must end the history")
        .containsExactly(0, 0, 0, 0, 0, 0, 0);
    assertThat(bad(new long[] {0, 1}, new long[][] {{0, 1, 2}})).as("a prefix as long as the history")
        .containsExactly(0, 0, inf, 0, 0, 0, 0);
    assertThat(bad(new long[] {5}, new long[][] {{4, 5, 2}})).as("a prefix longer than the history")
        .containsExactly(0, 0, 0, 0, 0, 0, 0);
    assertThat(bad(new long[] {0, 1}, new long[][] {{1, 2}, {3}, {0, 1, 4}, {2, 4}}))
        .containsExactly(0, 0, inf, inf, inf, 0, 0);
    assertThat(bad(new long[] {0, 1}, new long[][] {{6}, {1, 6}})).as("ids past the candidates are left alone")
        .containsExactly(0, 0, 0, 0, 0, 0, 0);
  }

  @Test
  @DisplayName("the history checked for a bad word's prefix is tokens[0, length), the prompt included, not the whole array")
  void badWordsReadOnlyTheHistory() {
    long[] tokens = {0, 1, 2, 3, 3, 3};
    FloatBuffer logits = FloatBuffer.allocate(20);
    LogitsProcessors.badWords(logits, 10, 6, tokens, 2, new long[][] {{0, 1, 4}, {2, 3, 5}, {1, 2}});
    assertThat(Arrays.copyOfRange(logits.array(), 10, 17)).containsExactly(0, 0, Float.NEGATIVE_INFINITY, 0,
        Float.NEGATIVE_INFINITY, 0, 0);
    assertThat(Arrays.copyOfRange(logits.array(), 0, 10)).as("rows before the offset untouched").containsOnly(0f);
  }

  private static float[] bad(long[] tokens, long[][] words) {
    FloatBuffer logits = FloatBuffer.allocate(7);
    LogitsProcessors.badWords(logits, 0, 6, tokens, tokens.length, words);
    return logits.array();
  }
}
