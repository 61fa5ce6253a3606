package io.inferencegraph.model.decode;

import java.nio.FloatBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("transformers' repetition penalty and n-gram ban, on one row of logits")
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
}
