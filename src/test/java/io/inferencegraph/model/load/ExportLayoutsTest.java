package io.inferencegraph.model.load;

import io.inferencegraph.model.Decoding;
import io.inferencegraph.model.Fixtures;
import io.inferencegraph.model.StepLog;
import io.inferencegraph.model.batch.BatchLimits;
import io.inferencegraph.model.generate.ContinuousBatcher;
import io.inferencegraph.model.generate.Generation;
import io.inferencegraph.model.generate.TextGenerator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(120)
@DisplayName("Every export layout decodes alone, batched and joining a running batch exactly as its reference")
class ExportLayoutsTest {
  /** A graph file of a fixture model and what it stands for. */
  record Layout(String description, String model, String file) {
    Path dir() {
      return Fixtures.decoder(model);
    }

    List<Fixtures.Prompt> reference() {
      return Fixtures.prompts(dir(), file);
    }

    TextGenerator load() {
      return TextGenerator.load(dir(), new ModelOptions(file, null, 1, true, SessionTuning.DEFAULT));
    }

    @Override
    public String toString() {
      return description + " (" + model + "/" + file + ")";
    }
  }

  static final List<Layout> LAYOUTS = List.of(
      new Layout("optimum >= 1.14, position_ids", "gpt2-tiny", "onnx/model.onnx"),
      new Layout("merged with position_ids", "gpt2-tiny", "onnx/decoder_model_merged.onnx"),
      new Layout("pre-1.14 merged, no position_ids", "gpt2-tiny-legacy", "onnx/decoder_model_merged.onnx"),
      new Layout("pre-1.14 pair, no position_ids", "gpt2-tiny-legacy", "onnx/decoder_with_past_model.onnx"),
      new Layout("pre-1.14 decoder without past, no position_ids", "gpt2-tiny-legacy", "onnx/decoder_model.onnx"),
      new Layout("int8 dynamic quantization (onnxruntime reference)", "gpt2-tiny", "onnx/model_int8.onnx"),
      new Layout("float16 (onnxruntime reference)", "gpt2-tiny", "onnx/model_fp16.onnx"));

  @org.junit.jupiter.api.Test
  @DisplayName("a pre-1.14 pair prefills through decoder_model.onnx, as optimum drove it, and steps with the past")
  void pairPrefillsWithoutPast() {
    Layout pair = LAYOUTS.get(3);
    try (TextGenerator generator = pair.load()) {
      assertThat(generator.describe()).contains("decoder_with_past_model.onnx + decoder_model.onnx for prefill");
    }
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("LAYOUTS")
  @DisplayName("each prompt alone gives the reference tokens")
  void alone(Layout layout) {
    int maxNew = Fixtures.referenceMaxNewTokens(layout.dir());
    try (TextGenerator generator = layout.load()) {
      for (Fixtures.Prompt prompt : layout.reference()) {
        assertThat(Decoding.generate(generator, List.of(prompt.text()), Fixtures.greedy(maxNew)).get(0).get(0).tokenIds())
            .as(prompt.text()).isEqualTo(prompt.outputIds());
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("LAYOUTS")
  @DisplayName("prompts of different lengths in one batch (one of them twice) give the reference tokens")
  void batched(Layout layout) {
    int maxNew = Fixtures.referenceMaxNewTokens(layout.dir());
    List<Fixtures.Prompt> prompts = new ArrayList<>(layout.reference());
    prompts.add(prompts.get(0));
    assertThat(prompts.stream().map(p -> p.inputIds().size()).distinct()).as("mixed prompt lengths").hasSizeGreaterThan(2);
    try (TextGenerator generator = layout.load()) {
      List<List<Generation>> results =
          Decoding.generate(generator, prompts.stream().map(Fixtures.Prompt::text).toList(), Fixtures.greedy(maxNew));
      for (int i = 0; i < prompts.size(); i++) {
        assertThat(results.get(i).get(0).tokenIds()).as(prompts.get(i).text()).isEqualTo(prompts.get(i).outputIds());
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("LAYOUTS")
  @DisplayName("prompts joining a running continuous batch at different steps give the reference tokens")
  void joiningRunningBatch(Layout layout) throws Exception {
    int maxNew = Fixtures.referenceMaxNewTokens(layout.dir());
    // the longest-running prompt first, so that the others join while it decodes
    List<Fixtures.Prompt> prompts = layout.reference().stream()
        .sorted(Comparator.comparingInt((Fixtures.Prompt p) -> p.outputIds().size()).reversed()).toList();
    StepLog log = new StepLog();
    StepLog.Hold second = log.holdAt(2);
    StepLog.Hold rest = log.holdAt(4);
    List<CompletableFuture<ContinuousBatcher.Result>> futures = new ArrayList<>();
    try (TextGenerator generator = layout.load();
        ContinuousBatcher batcher = ContinuousBatcher.start(generator, new BatchLimits(16, 100_000, 16, 0), log)) {
      futures.add(batcher.submit(prompts.get(0).text(), Fixtures.greedy(maxNew)));
      second.awaitReached(); // the first prompt is decoding: the next one joins a running batch
      futures.add(batcher.submit(prompts.get(1).text(), Fixtures.greedy(maxNew)));
      second.release();
      rest.awaitReached();
      for (Fixtures.Prompt prompt : prompts.subList(2, prompts.size())) {
        futures.add(batcher.submit(prompt.text(), Fixtures.greedy(maxNew)));
      }
      rest.release();
      for (int i = 0; i < prompts.size(); i++) {
        ContinuousBatcher.Result result = futures.get(i).get(60, TimeUnit.SECONDS);
        assertThat(result.generations().get(0).tokenIds()).as(prompts.get(i).text()).isEqualTo(prompts.get(i).outputIds());
      }
    }
    assertThat(log.sizes()).as("batch sizes per step").anyMatch(size -> size >= 2);
  }
}
