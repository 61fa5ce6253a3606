package io.inferencegraph.model.decode;

import io.inferencegraph.model.Fixtures;
import io.inferencegraph.model.generate.TextGenerator;
import io.inferencegraph.model.load.ModelOptions;
import io.inferencegraph.model.load.SessionTuning;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A batch's KV memory is rows × layers × 2 × heads × length × headDim × element size, and follows joins and leaves")
class KvMemoryTest {
  // gpt2-tiny: 3 layers, 4 heads of 16
  private static final long PER_ROW_AND_TOKEN = 3L * 2 * 4 * 16;

  @ParameterizedTest(name = "{0}")
  @CsvSource({"onnx/model.onnx, 4", "onnx/model_fp16.onnx, 2"})
  void kvBytesFollowTheRows(String file, int elementSize) throws Exception {
    try (TextGenerator generator = TextGenerator.load(Fixtures.decoder("gpt2-tiny"),
            new ModelOptions(file, null, 1, true, SessionTuning.DEFAULT));
        DecodeBatch batch = generator.newBatch()) {
      Sequence shortOne = sequence(new long[] {46, 20, 75}, 1);
      Sequence longOne = sequence(new long[] {46, 20, 75, 218, 180}, 4);
      batch.admit(List.of(shortOne, longOne));
      assertThat(batch.kvBytes()).isEqualTo(2 * PER_ROW_AND_TOKEN * 5 * elementSize);

      assertThat(batch.evictFinished()).containsExactly(shortOne);
      assertThat(batch.kvBytes()).isEqualTo(PER_ROW_AND_TOKEN * 5 * elementSize);

      batch.step();
      assertThat(batch.kvBytes()).isEqualTo(PER_ROW_AND_TOKEN * 6 * elementSize);
      assertThat(batch.kvCapacityBytes()).isGreaterThanOrEqualTo(batch.kvBytes());
    }
  }

  @Test
  @DisplayName("the buffers grow to rows × the longest row once, not per step and not beyond: past, present and prefill")
  void capacityIsRowsTimesTheLongestRow() throws Exception {
    long[] prompt = {46, 20, 75, 218, 180};
    int rows = 2;
    int newTokens = 20;
    long reach = (long) rows * (prompt.length + newTokens);
    try (TextGenerator generator = TextGenerator.load(Fixtures.decoder("gpt2-tiny"), ModelOptions.defaults());
        DecodeBatch batch = generator.newBatch()) {
      assertThat(generator.kvBytesPerToken()).isEqualTo(PER_ROW_AND_TOKEN * 4);
      batch.admit(List.of(sequence(prompt, newTokens), sequence(prompt, newTokens)));
      long prefill = (long) rows * prompt.length;
      long expected = (2 * reach + prefill) * generator.kvBytesPerToken();
      while (batch.size() > 0) {
        batch.step();
        assertThat(batch.kvCapacityBytes()).as("reserved on the first step, kept to the end").isEqualTo(expected);
        batch.evictFinished();
      }
    }
  }

  private static Sequence sequence(long[] prompt, int maxNew) {
    return new Sequence(prompt, 0, maxNew, 0, new Sampler(false, 1.0, 0, 1.0, 0L), Set.of());
  }
}
