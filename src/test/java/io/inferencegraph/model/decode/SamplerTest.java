package io.inferencegraph.model.decode;

import java.nio.FloatBuffer;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@DisplayName("Sampling one token, and a sequence's end")
class SamplerTest {
  @Test
  @DisplayName("a sequence stops at eos, and eos is counted but not shown in the text")
  void stopsAtEos() {
    int vocab = 8;
    long eos = 5;
    FloatBuffer logits = FloatBuffer.allocate(vocab);
    logits.put((int) eos, 10f);
    Sequence sequence = new Sequence(new long[] {1, 2}, 0, 10, 0, new Sampler(false, 1, 0, 1, 0), Set.of(eos));
    sequence.advance(logits, 0, vocab);
    assertThat(sequence.finished()).isTrue();
    assertThat(sequence.finishReason()).isEqualTo("eos");
    assertThat(sequence.newIds()).containsExactly(eos);
  }

  @Test
  @DisplayName("top-k keeps every token tied with the k-th best, as TopKLogitsWarper does")
  void topKKeepsTies() {
    float[] logits = {1, 3, 3, 2, 3, 0};
    Set<Integer> drawn = new TreeSet<>();
    for (long seed = 0; seed < 200; seed++) {
      drawn.add(new Sampler(true, 1.0, 2, 1.0, seed).next(FloatBuffer.wrap(logits), 0, logits.length));
    }
    assertThat(drawn).containsExactly(1, 2, 4);
  }

  @Test
  @DisplayName("a tiny temperature samples the best token, never an overflow's pick")
  void tinyTemperatureIsGreedy() {
    float[] logits = {1, 30, 2, -5, Float.NEGATIVE_INFINITY};
    for (double temperature : new double[] {1e-6, 1e-40, 1e-300, Double.MIN_VALUE}) {
      assertThat(new Sampler(true, temperature, 0, 1.0, 3).next(FloatBuffer.wrap(logits), 0, logits.length))
          .as("temperature %s", temperature).isEqualTo(1);
    }
  }
  @Test
  @DisplayName("greedy takes the best logit, the lowest id among ties, as argmax does")
  void greedyTakesTheFirstBest() {
    float[] logits = {1, 5, -2, 5, 2};
    assertThat(new Sampler(false, 0.5, 1, 0.1, 7).next(FloatBuffer.wrap(logits), 0, logits.length)).isEqualTo(1);
  }

  @Test
  @DisplayName("greedy and sampling read only their row of a batch's logits, and only ids below the candidates")
  void readsItsRowOnly() {
    // two rows of 6; the row's best id (5) lies beyond the 4 candidates, the next row's is huge
    float[] logits = {0, 0, 0, 0, 0, 0, /* row 1: */ 1, 4, 2, 3, 0, 9, /* row 2: */ 99, 99, 99, 99, 99, 99};
    assertThat(new Sampler(false, 1, 0, 1, 0).next(FloatBuffer.wrap(logits), 6, 4)).isEqualTo(1);
    assertThat(drawn(logits, 6, 4, 1000, 2, 1.0)).containsExactly(1, 3);
  }

  @Test
  @DisplayName("top-k with distinct logits keeps exactly the k best, top-k 1 is greedy")
  void topKKeepsTheKBest() {
    float[] logits = {0, 4, 1, 3, 2};
    // the lowest kept token still has a share of 9% or more, so a wrongly kept or dropped one would show
    assertThat(drawn(logits, 0, logits.length, 1000, 2, 1.0)).containsExactly(1, 3);
    assertThat(drawn(logits, 0, logits.length, 1000, 3, 1.0)).containsExactly(1, 3, 4);
    assertThat(drawn(logits, 0, logits.length, 1000, 1, 1.0)).containsExactly(1);
    assertThat(drawn(logits, 0, logits.length, 1000, logits.length, 1.0)).containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  @DisplayName("temperature divides the logits: p = softmax(logits / T), drawn as often as that")
  void temperatureScalesTheLogits() {
    float[] logits = {0, -1};
    for (double temperature : new double[] {0.5, 1.0, 2.0}) {
      double expected = 1 / (1 + Math.exp(1 / temperature));
      long ones = IntStream.range(0, 4000)
          .filter(seed -> new Sampler(true, temperature, 0, 1.0, seed).next(FloatBuffer.wrap(logits), 0, 2) == 1).count();
      assertThat(ones / 4000.0).as("share of token 1 at temperature %s", temperature).isCloseTo(expected, within(0.03));
    }
  }

  @Test
  @DisplayName("top-p keeps the fewest best tokens whose probability reaches top_p, the boundary included")
  void topPKeepsTheNucleus() {
    float[] uniform = {0, 0, 0, 0};
    // each token 0.25: 0.5 is reached by exactly two, 0.25 by one, 0.6 needs three
    assertThat(drawn(uniform, 0, 4, 400, 0, 0.5)).containsExactly(0, 1);
    assertThat(drawn(uniform, 0, 4, 400, 0, 0.25)).containsExactly(0);
    assertThat(drawn(uniform, 0, 4, 400, 0, 0.6)).containsExactly(0, 1, 2);
    assertThat(drawn(uniform, 0, 4, 400, 0, 1.0)).containsExactly(0, 1, 2, 3);
  }

  @Test
  @DisplayName("top-p ranks by logit whatever their signs: negative, positive and mixed rows keep their most probable tokens")
  void topPRanksNegativeAndPositiveLogits() {
    // probabilities 0.52, 0.32, 0.12, 0.04 in each row, in another order of ids: top_p 0.8 keeps the best two
    float[] negative = {-3, -1, -2, -0.5f};
    float[] positive = {0.5f, 3, 1, 2.5f};
    float[] mixed = {-1.5f, 0.5f, 1, -0.5f};
    assertThat(drawn(negative, 0, 4, 400, 0, 0.8)).containsExactly(1, 3);
    assertThat(drawn(positive, 0, 4, 400, 0, 0.8)).containsExactly(1, 3);
    assertThat(drawn(mixed, 0, 4, 400, 0, 0.8)).containsExactly(1, 2);
  }

  @Test
  @DisplayName("a top_p just below 1 that the rounded running sum never reaches keeps every token")
  void topPBelowOneKeepsAllWhenTheSumFallsShort() {
    float[] seven = new float[7]; // 7 × (1/7) adds up to 1 - 2^-52, below Math.nextDown(1.0)
    assertThat(drawn(seven, 0, 7, 1000, 0, Math.nextDown(1.0))).containsExactly(0, 1, 2, 3, 4, 5, 6);
  }

  @Test
  @DisplayName("a logit of +infinity is always drawn, never a neighbour of weight zero")
  void infiniteLogitWins() {
    float[] logits = {0, Float.POSITIVE_INFINITY, 0, -1};
    assertThat(drawn(logits, 0, 4, 200, 0, 1.0)).containsExactly(1);
  }

  /** The distinct ids that samplers seeded 0 .. seeds-1 draw from one row at temperature 1. */
  private static Set<Integer> drawn(float[] logits, int offset, int candidates, int seeds, int topK, double topP) {
    Set<Integer> drawn = new TreeSet<>();
    for (long seed = 0; seed < seeds; seed++) {
      drawn.add(new Sampler(true, 1.0, topK, topP, seed).next(FloatBuffer.wrap(logits), offset, candidates));
    }
    return drawn;
  }
}
