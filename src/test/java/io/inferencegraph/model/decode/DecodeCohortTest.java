package io.inferencegraph.model.decode;

import io.inferencegraph.model.Fixtures;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A cohort's rows share one left-padded KV cache: each step feeds every row's last token at its own position")
class DecodeCohortTest {
  private static DecoderGraph graph;

  @BeforeAll
  static void open() {
    graph = DecoderGraphTest.open(Fixtures.decoder("gpt2-tiny"), "onnx/model.onnx");
  }

  @AfterAll
  static void close() throws Exception {
    graph.close();
  }

  @Test
  @DisplayName("rows of 5, 2 and 4 cached tokens: the mask hides each row's left padding, positions count its own tokens")
  void stepOverPaddedRows() {
    KvCache first = new KvCache(graph);
    KvCache second = new KvCache(graph);
    try (DecodeCohort cohort = new DecodeCohort(first, second); KvCache present = new KvCache(graph)) {
      Sequence a = prefilled(new long[] {10, 11, 12, 13, 14}, 15);
      Sequence b = prefilled(new long[] {20, 21}, 22);
      Sequence c = prefilled(new long[] {30, 31, 32, 33}, 34);
      cohort.join(List.of(a, b, c), present.reshape(3, 5));
      assertThat(cohort.rows()).containsExactly(a, b, c);
      assertThat(cohort.kvBytes()).isEqualTo(3 * 5 * graph.kvBytesPerToken(true));

      DecodeStep step = cohort.nextStep();
      assertThat(step.rows()).isEqualTo(3);
      assertThat(step.length()).isEqualTo(1);
      assertThat(step.inputIds()).containsExactly(15, 22, 34);
      assertThat(step.positionIds()).containsExactly(5, 2, 4);
      assertThat(rows(step.attentionMask(), 6)).containsExactly(
          "[1, 1, 1, 1, 1, 1]",
          "[0, 0, 0, 1, 1, 1]",
          "[0, 1, 1, 1, 1, 1]");
      assertThat(step.past().length()).isEqualTo(5);
      assertThat(step.present()).isNotSameAs(step.past());
      assertThat(cohort.release()).containsExactlyInAnyOrder(first, second);

      cohort.close();
      assertThat(cohort.rows()).isEmpty();
      assertThat(cohort.kvCapacityBytes()).isZero();
    }
  }

  /** A sequence whose prompt is prefilled and whose first token is drawn: its cache holds the prompt. */
  private static Sequence prefilled(long[] prompt, long first) {
    Sequence sequence = new Sequence(prompt, 0, 10, 0, new Sampler(false, 1, 0, 1, 0), Set.of(1006L));
    Sequences.emit(sequence, first);
    return sequence;
  }

  private static List<String> rows(long[] mask, int width) {
    return java.util.stream.IntStream.range(0, mask.length / width)
        .mapToObj(r -> Arrays.toString(Arrays.copyOfRange(mask, r * width, (r + 1) * width))).toList();
  }
}
