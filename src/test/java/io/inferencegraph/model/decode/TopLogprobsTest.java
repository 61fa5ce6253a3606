package io.inferencegraph.model.decode;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@DisplayName("The top-N pass over a row of logits keeps the N best and their log-softmax")
class TopLogprobsTest {

  private static FloatBuffer row(float... logits) {
    return FloatBuffer.wrap(logits);
  }

  private static int[] best(FloatBuffer row, int offset, int candidates, int n) {
    int[] ids = new int[n];
    int count = TopLogprobs.best(row, offset, candidates, ids, new float[n]);
    return Arrays.copyOf(ids, count);
  }

  @Test
  @DisplayName("the best ids come best first; equal scores go to the lower id, as argmax breaks ties")
  void ties() {
    FloatBuffer row = row(1f, 3f, 2f, 3f, 0f, 3f, 2f);
    assertThat(best(row, 0, 7, 1)).containsExactly(1);
    assertThat(best(row, 0, 7, 2)).containsExactly(1, 3);
    assertThat(best(row, 0, 7, 4)).containsExactly(1, 3, 5, 2);
    assertThat(best(row, 0, 7, 5)).containsExactly(1, 3, 5, 2, 6);
    assertThat(best(row(5f, 5f, 5f), 0, 3, 2)).containsExactly(0, 1);
    assertThat(best(row(1f, 2f, 3f, 4f), 0, 4, 2)).as("ascending row: every id displaces the worst").containsExactly(3, 2);
  }

  @Test
  @DisplayName("N 0 keeps nothing; N the whole row (or more) sorts the whole row")
  void edges() {
    FloatBuffer row = row(0.5f, -1f, 2f, 2f, -3f);
    assertThat(best(row, 0, 5, 0)).isEmpty();
    assertThat(best(row, 0, 5, 5)).containsExactly(2, 3, 0, 1, 4);
    assertThat(best(row, 0, 5, 7)).containsExactly(2, 3, 0, 1, 4);
    assertThat(best(row, 2, 3, 2)).as("a row at an offset: ids count from the offset").containsExactly(0, 1);
  }

  @Test
  @DisplayName("a random row: the pass agrees with a full sort, and the logprobs with a log-softmax in double")
  void agreesWithFullSort() {
    SplittableRandom random = new SplittableRandom(7);
    int vocab = 1007;
    float[] logits = new float[vocab + 3];
    for (int i = 0; i < logits.length; i++) {
      logits[i] = (float) (random.nextGaussian() * 4);
    }
    logits[3 + 500] = logits[3 + 20]; // a tie inside the row
    FloatBuffer row = FloatBuffer.wrap(logits);
    double max = IntStream.range(0, vocab).mapToDouble(i -> logits[3 + i]).max().orElseThrow();
    double logTotal = max + Math.log(IntStream.range(0, vocab).mapToDouble(i -> Math.exp(logits[3 + i] - max)).sum());
    Integer[] sorted = IntStream.range(0, vocab).boxed()
        .sorted(Comparator.<Integer>comparingDouble(i -> -logits[3 + i]).thenComparing(i -> i)).toArray(Integer[]::new);
    for (int n = 0; n <= 5; n++) {
      TopLogprobs.Step step = TopLogprobs.of(row, 3, vocab, 42, n);
      assertThat(step.topIds()).hasSize(n);
      for (int k = 0; k < n; k++) {
        assertThat(step.topIds()[k]).isEqualTo(sorted[k].longValue());
        assertThat(step.topLogprobs()[k]).isCloseTo(logits[3 + sorted[k]] - logTotal, within(1e-9));
        assertThat(step.topLogprobs()[k]).isLessThanOrEqualTo(0.0);
      }
      assertThat(step.token()).isEqualTo(42);
      assertThat(step.logprob()).isCloseTo(logits[3 + 42] - logTotal, within(1e-9));
    }
    double sum = Arrays.stream(sorted).mapToDouble(i -> Math.exp(logits[3 + i] - logTotal)).sum();
    assertThat(sum).as("the probabilities sum to 1").isCloseTo(1.0, within(1e-9));
  }

  @Test
  @DisplayName("a token of logit minus infinity gets OpenAI's floor -9999, never an infinity JSON cannot carry")
  void floor() {
    TopLogprobs.Step step = TopLogprobs.of(row(0f, Float.NEGATIVE_INFINITY, 0f), 0, 3, 1, 3);
    assertThat(step.logprob()).isEqualTo(-9999.0);
    assertThat(step.topIds()).containsExactly(0, 2, 1);
    assertThat(step.topLogprobs()).containsExactly(Math.log(0.5), Math.log(0.5), -9999.0);
  }
}
