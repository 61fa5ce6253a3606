package io.inferencegraph.model.decode;

import java.nio.FloatBuffer;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

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
}
