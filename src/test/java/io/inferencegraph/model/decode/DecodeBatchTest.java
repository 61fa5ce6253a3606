package io.inferencegraph.model.decode;

import io.inferencegraph.model.Fixtures;
import io.inferencegraph.model.generate.TextGenerator;
import io.inferencegraph.model.load.ModelOptions;
import io.inferencegraph.model.load.SessionTuning;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import static io.inferencegraph.model.decode.DirectMemory.MB;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A decode batch steps its rows together; rows join and leave between steps and each decodes exactly as alone")
class DecodeBatchTest {
  private static final Set<Long> EOS = Set.of(1006L);
  private static final Path GPT2_TINY = Fixtures.decoder("gpt2-tiny");
  private static final Path LEGACY = Fixtures.decoder("gpt2-tiny-legacy");

  /** One row to decode: its prompt (a reference prompt's ids), its sampling and its lengths. */
  record Row(long[] prompt, long seed, boolean sample, int maxNew, int minNew) {
    Sequence sequence() {
      return new Sequence(prompt, 0, maxNew, minNew, new Sampler(sample, 0.9, 40, 0.95, seed), EOS);
    }
  }

  @ParameterizedTest(name = "{0}/{1} cache={2}")
  @CsvSource({
      "gpt2-tiny,        onnx/model.onnx,                   true",
      "gpt2-tiny,        onnx/model.onnx,                   false",
      "gpt2-tiny,        onnx/model_fp16.onnx,              true",
      "gpt2-tiny-legacy, onnx/decoder_model_merged.onnx,    true",
      "gpt2-tiny-legacy, onnx/decoder_with_past_model.onnx, true"})
  @DisplayName("sampled and greedy rows of mixed lengths, joining at steps 0, 2 and 5 and leaving as they end, each decode as alone")
  void joinAndLeaveAsAlone(String model, String file, boolean cache) throws Exception {
    List<Long>[] prompts = promptIds(Fixtures.decoder(model));
    // the prompts have 7, 11, 29 and 45 tokens
    Map<Integer, List<Row>> joining = new TreeMap<>(Map.of(
        0, List.of(new Row(ids(prompts[3]), 1, true, 12, 3), new Row(ids(prompts[0]), 0, false, 6, 6)),
        2, List.of(new Row(ids(prompts[2]), 2, true, 4, 0), new Row(ids(prompts[1]), 3, true, 10, 8)),
        5, List.of(new Row(ids(prompts[0]), 4, true, 5, 2), new Row(ids(prompts[3]), 5, false, 7, 7))));
    ModelOptions options = new ModelOptions(file, null, 1, true, SessionTuning.DEFAULT);
    try (TextGenerator generator = TextGenerator.load(Fixtures.decoder(model), cache ? options : new ModelOptions(file, null, 1, false, SessionTuning.DEFAULT))) {
      List<Row> rows = new ArrayList<>();
      List<Sequence> together = new ArrayList<>();
      try (DecodeBatch batch = generator.newBatch()) {
        for (int step = 0; step == 0 || batch.size() > 0 || step <= 5; step++) {
          for (Row row : joining.getOrDefault(step, List.of())) {
            rows.add(row);
            together.add(row.sequence());
          }
          if (joining.containsKey(step)) {
            batch.admit(together.subList(together.size() - 2, together.size()));
          } else if (batch.size() > 0) {
            batch.step();
          }
          assertThat(batch.evictFinished()).allMatch(Sequence::finished);
          assertThat(batch.rows()).noneMatch(Sequence::finished);
        }
      }
      for (int i = 0; i < rows.size(); i++) {
        Sequence alone = alone(generator::newBatch, rows.get(i).sequence());
        assertThat(together.get(i).newIds()).as("row %d", i).containsExactly(alone.newIds());
        assertThat(together.get(i).finishReason()).as("row %d", i).isEqualTo(alone.finishReason());
      }
      assertThat(together).extracting(Sequence::finishReason).contains("length");
    }
  }

  @Test
  @DisplayName("rows() lists the running sequences in the order they joined; finished ones leave it at eviction")
  void rowsInJoinOrder() throws Exception {
    List<Long>[] prompts = promptIds(GPT2_TINY);
    try (TextGenerator generator = TextGenerator.load(GPT2_TINY, ModelOptions.defaults());
        DecodeBatch batch = generator.newBatch()) {
      Sequence a = new Row(ids(prompts[1]), 0, false, 3, 3).sequence();
      Sequence b = new Row(ids(prompts[2]), 0, false, 2, 2).sequence();
      Sequence c = new Row(ids(prompts[0]), 0, false, 4, 4).sequence();
      batch.admit(List.of(a, b));
      batch.admit(List.of(c));
      assertThat(batch.rows()).containsExactly(a, b, c);
      assertThat(batch.size()).isEqualTo(3);
      batch.step();
      assertThat(batch.evictFinished()).containsExactly(b);
      assertThat(batch.rows()).containsExactly(a, c);
      batch.step();
      assertThat(batch.evictFinished()).containsExactly(a);
      assertThat(batch.rows()).containsExactly(c);
    }
  }

  @Test
  @DisplayName("graphs without position_ids keep rows of different lengths in separate cohorts: no padding in their KV memory")
  void cohortsByLength() throws Exception {
    List<Long>[] prompts = promptIds(LEGACY);
    try (TextGenerator generator = TextGenerator.load(LEGACY,
            new ModelOptions("onnx/decoder_model_merged.onnx", null, 1, true, SessionTuning.DEFAULT));
        DecodeBatch batch = generator.newBatch()) {
      batch.admit(List.of(new Row(ids(prompts[0]), 0, false, 4, 4).sequence(),
          new Row(ids(prompts[1]), 0, false, 4, 4).sequence()));
      assertThat(batch.kvBytes()).isEqualTo((7 + 11) * generator.kvBytesPerToken());
    }
  }

  @Test
  @DisplayName("an emptied cohort's two caches stay with the batch and serve the next rows without new buffers")
  void emptiedCachesServeTheNextRows() throws Exception {
    List<Long>[] prompts = promptIds(GPT2_TINY);
    try (TextGenerator generator = TextGenerator.load(GPT2_TINY, ModelOptions.defaults());
        DecodeBatch batch = generator.newBatch()) {
      for (int round = 0; round < 2; round++) {
        List<Sequence> rows = List.of(new Row(ids(prompts[0]), 0, false, 4, 4).sequence(),
            new Row(ids(prompts[1]), 0, false, 4, 4).sequence());
        batch.admit(rows);
        runUntilFinished(batch);
        long capacity = batch.kvCapacityBytes();
        assertThat(batch.evictFinished()).containsExactlyElementsOf(rows);
        assertThat(batch.size()).isZero();
        assertThat(batch.kvBytes()).isZero();
        assertThat(batch.kvCapacityBytes()).as("round %d: the buffers are kept, counted once", round).isEqualTo(capacity);
      }
    }
  }

  @Test
  @DisplayName("of several emptied cohorts' caches only two are kept, the first cohort's; the others are freed")
  void keepsTwoEmptiedCaches() throws Exception {
    List<Long>[] prompts = promptIds(LEGACY);
    try (TextGenerator generator = TextGenerator.load(LEGACY,
            new ModelOptions("onnx/decoder_model_merged.onnx", null, 1, true, SessionTuning.DEFAULT));
        DecodeBatch batch = generator.newBatch()) {
      // two cohorts (7 and 11 tokens), each with two caches of 1 row × (prompt + 4 new tokens)
      batch.admit(List.of(new Row(ids(prompts[0]), 0, false, 4, 4).sequence(),
          new Row(ids(prompts[1]), 0, false, 4, 4).sequence()));
      runUntilFinished(batch);
      long before = batch.kvCapacityBytes();
      batch.evictFinished();
      assertThat(before - batch.kvCapacityBytes()).as("the second cohort's caches").isEqualTo(2 * (11 + 4) * generator.kvBytesPerToken());
    }
  }

  @Test
  @DisplayName("42 prompts of 200 tokens prefill in two calls, 41 rows within the 32 MB logits budget and then 1, and decode as alone")
  void prefillSplitsAtTheLogitsBudget() throws Exception {
    int rows = 42;
    int length = 200;
    int newTokens = 2;
    try (TextGenerator generator = TextGenerator.load(GPT2_TINY, ModelOptions.defaults());
        DecodeBatch batch = generator.newBatch()) {
      List<Sequence> together = new ArrayList<>();
      for (int r = 0; r < rows; r++) {
        together.add(new Row(longPrompt(r, length), 0, false, newTokens, newTokens).sequence());
      }
      batch.admit(together);
      // 41 × 200 × 1007 logits fit 2^23 floats, 42 × 200 × 1007 do not. The prefill cache holds the first
      // group's 41 rows; the cohort joins twice, its two caches reserving 41 and then 42 rows × 202 slots.
      assertThat(batch.kvCapacityBytes()).isEqualTo((41L * length + 41L * (length + newTokens) + 42L * (length + newTokens))
          * generator.kvBytesPerToken());
      runUntilFinished(batch);
      for (int r = 0; r < rows; r++) {
        Sequence alone = alone(generator::newBatch, new Row(longPrompt(r, length), 0, false, newTokens, newTokens).sequence());
        assertThat(together.get(r).newIds()).as("row %d", r).containsExactly(alone.newIds());
      }
    }
  }

  @Test
  @DisplayName("closing a batch gives its direct memory back at once, whether its rows are running or evicted")
  void closeFreesEverything() throws Exception {
    try (TextGenerator generator = TextGenerator.load(GPT2_TINY, ModelOptions.defaults())) {
      for (boolean evicted : new boolean[] {false, true}) {
        long before = DirectMemory.used();
        DecodeBatch batch = generator.newBatch();
        List<Sequence> rows = new ArrayList<>();
        for (int r = 0; r < 16; r++) {
          rows.add(new Row(longPrompt(r, 200), 0, false, 3, 3).sequence());
        }
        batch.admit(rows); // 13 MB of prefill logits, 15 MB of keys and values
        batch.step();
        if (evicted) {
          runUntilFinished(batch);
          batch.evictFinished();
        }
        assertThat(DirectMemory.used() - before).as("held").isGreaterThan(20 * MB);
        batch.close();
        assertThat(DirectMemory.used() - before).as("evicted: %s", evicted).isLessThan(2 * MB);
        assertThat(batch.kvCapacityBytes()).isZero();
      }
    }
  }

  private static void runUntilFinished(DecodeBatch batch) throws Exception {
    while (!batch.rows().stream().allMatch(Sequence::finished)) {
      batch.step();
    }
  }

  /** The sequence decoded in a batch of its own. */
  private static Sequence alone(Supplier<DecodeBatch> newBatch, Sequence sequence) throws Exception {
    try (DecodeBatch batch = newBatch.get()) {
      batch.admit(List.of(sequence));
      runUntilFinished(batch);
      batch.evictFinished();
    }
    return sequence;
  }

  @SuppressWarnings("unchecked")
  private static List<Long>[] promptIds(Path model) {
    return Fixtures.prompts(model).stream().map(Fixtures.Prompt::inputIds).toArray(List[]::new);
  }

  private static long[] ids(List<Long> ids) {
    return ids.stream().mapToLong(Long::longValue).toArray();
  }

  /** {@code length} real token ids: the reference prompts' ids one after another, from the {@code start}-th on. */
  private static long[] longPrompt(int start, int length) {
    long[] all = Fixtures.prompts(GPT2_TINY).stream().flatMap(p -> p.inputIds().stream()).mapToLong(Long::longValue).toArray();
    long[] prompt = new long[length];
    for (int i = 0; i < length; i++) {
      prompt[i] = all[(start + i) % all.length];
    }
    return prompt;
  }
}
