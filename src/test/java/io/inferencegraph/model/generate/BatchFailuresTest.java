package io.inferencegraph.model.generate;

import ai.onnxruntime.OrtException;
import io.inferencegraph.TestGraphs;
import io.inferencegraph.model.Decoding;
import io.inferencegraph.model.Fixtures;
import io.inferencegraph.model.StepLog;
import io.inferencegraph.model.batch.BatchLimits;
import io.inferencegraph.model.batch.BatchObserver;
import io.inferencegraph.model.load.ModelDirectory;
import io.inferencegraph.model.load.ModelOptions;
import io.inferencegraph.model.load.TextTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import static io.inferencegraph.model.generate.ContinuousBatcherTest.exactly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A real ONNX Runtime failure inside a running batch: the model's config.json claims 4096
 * positions but its graph has 256, so a sequence past position 255 fails in the graph itself.
 */
@Timeout(60)
@DisplayName("A failing ONNX Runtime call fails its own requests and leaves the batcher serving")
class BatchFailuresTest {
  @TempDir
  static Path temp;
  private static TextGenerator generator;
  private static int realPositions;

  @BeforeAll
  static void load() throws IOException {
    String json = Files.readString(Fixtures.decoder("gpt2-tiny").resolve("config.json"));
    realPositions = Integer.parseInt(json.replaceAll("(?s).*\"n_positions\": *(\\d+).*", "$1"));
    Path broken = TestGraphs.copyClaimingLongerContext(Fixtures.decoder("gpt2-tiny"), temp.resolve("gpt2-tiny-broken"));
    generator = TextGenerator.load(broken, ModelOptions.defaults());
  }

  @AfterAll
  static void close() {
    generator.close();
  }

  /** A prompt of about {@code tokens} tokens. */
  private static String promptOf(int tokens) {
    try (TextTokenizer tokenizer = TextTokenizer.forDecoder(new ModelDirectory(Fixtures.decoder("gpt2-tiny")))) {
      String prompt = "word";
      while (tokenizer.encode(prompt + " word").length <= tokens) {
        prompt += " word";
      }
      return prompt;
    }
  }

  @Test
  @DisplayName("a prompt whose prefill fails is failed alone; the sequence already decoding is undisturbed")
  void prefillFailureFailsOnlyTheJoiningRequest() throws Exception {
    StepLog log = new StepLog();
    StepLog.Hold hold = log.holdAt(1);
    try (ContinuousBatcher batcher = ContinuousBatcher.start(generator, new BatchLimits(16, 100_000, 16, 0), log)) {
      CompletableFuture<ContinuousBatcher.Result> running = batcher.submit("The quick brown fox", exactly(30));
      hold.awaitReached();
      CompletableFuture<ContinuousBatcher.Result> failing = batcher.submit(promptOf(realPositions + 40), exactly(5));
      hold.release();
      assertFailedByOnnxRuntime(failing);
      assertThat(running.get(30, TimeUnit.SECONDS).generations())
          .isEqualTo(Decoding.generate(generator, List.of("The quick brown fox"), exactly(30)).get(0));
      assertServes(batcher);
    }
  }

  @Test
  @DisplayName("a step that fails fails the batch's requests, and the next request runs in a fresh batch")
  void stepFailureLeavesTheBatcherServing() throws Exception {
    try (ContinuousBatcher batcher = ContinuousBatcher.start(generator, new BatchLimits(16, 100_000, 16, 0),
        BatchObserver.NONE)) {
      assertFailedByOnnxRuntime(batcher.submit(promptOf(realPositions - 10), exactly(20)));
      assertServes(batcher);
    }
  }

  private static void assertFailedByOnnxRuntime(CompletableFuture<?> future) {
    assertThatThrownBy(() -> future.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(OrtException.class).hasMessageContaining("out of data bounds");
  }

  private static void assertServes(ContinuousBatcher batcher) throws Exception {
    assertThat(batcher.submit("I have an idea!", exactly(5)).get(30, TimeUnit.SECONDS).generations().get(0).newTokens())
        .isEqualTo(5);
  }
}
