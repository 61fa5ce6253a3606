package io.inferencegraph.model.generate;

import io.inferencegraph.api.ServiceException;
import io.inferencegraph.model.Decoding;
import io.inferencegraph.model.Fixtures;
import io.inferencegraph.model.StepLog;
import io.inferencegraph.model.batch.BatchLimits;
import io.inferencegraph.model.classify.ClassifierBatcher;
import io.inferencegraph.model.classify.TextClassifier;
import io.inferencegraph.model.load.ModelOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import static io.inferencegraph.model.generate.ContinuousBatcherTest.exactly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(60)
@DisplayName("Shutting a batcher down answers every request and frees the batch on the loop's own thread")
class BatchShutdownTest {
  private static TextGenerator generator;

  @BeforeAll
  static void load() {
    generator = TextGenerator.load(Fixtures.decoder("gpt2-tiny"), ModelOptions.defaults());
  }

  @AfterAll
  static void close() {
    generator.close();
  }

  @Test
  @DisplayName("requests accepted before shutdown are served; one offered after is refused")
  void drainsWhatWasAccepted() throws Exception {
    StepLog log = new StepLog();
    StepLog.Hold hold = log.holdAt(1);
    ContinuousBatcher batcher = ContinuousBatcher.start(generator, new BatchLimits(1, 100_000, 4, 0), log);
    CompletableFuture<ContinuousBatcher.Result> running = batcher.submit("The quick brown fox", exactly(10));
    CompletableFuture<ContinuousBatcher.Result> queued = batcher.submit("I have an idea!", exactly(5));
    hold.awaitReached();
    CompletableFuture<Void> stopped = batcher.shutdown();
    assertThatThrownBy(() -> batcher.submit("too late", exactly(5))).isInstanceOf(ServiceException.class);
    hold.release();
    stopped.get(30, TimeUnit.SECONDS);
    assertThat(running.get().generations().get(0).newTokens()).isEqualTo(10);
    assertThat(queued.get().generations().get(0).newTokens()).isEqualTo(5);
  }

  @Test
  @DisplayName("past the drain deadline the loop stops at the next step boundary and fails what is left, "
      + "and shutdown completes only once the loop has ended")
  void deadlineStopsAtAStepBoundary() throws Exception {
    StepLog log = new StepLog();
    StepLog.Hold hold = log.holdAt(2);
    ContinuousBatcher batcher = ContinuousBatcher.start(generator, new BatchLimits(1, 100_000, 4, 0), log);
    CompletableFuture<ContinuousBatcher.Result> running = batcher.submit("The quick brown fox", exactly(200));
    CompletableFuture<ContinuousBatcher.Result> queued = batcher.submit("I have an idea!", exactly(5));
    hold.awaitReached();
    CompletableFuture<Void> stopped = batcher.shutdown(Duration.ZERO);
    assertThat(stopped).as("done while the loop is still inside a step").isNotDone();
    hold.release();
    stopped.get(30, TimeUnit.SECONDS);
    assertThat(log.steps()).as("steps run: none after the deadline's boundary").isEqualTo(2);
    assertClosed(running);
    assertClosed(queued);
    assertThat(Decoding.generate(generator, List.of("hi"), exactly(3)).get(0).get(0).newTokens())
        .as("the model itself is untouched").isEqualTo(3);
  }

  @Test
  @DisplayName("close() returns only after the loop has ended: no step runs after it")
  void closeWaitsForTheLoop() throws Exception {
    StepLog log = new StepLog();
    StepLog.Hold hold = log.holdAt(1);
    ContinuousBatcher batcher = ContinuousBatcher.start(generator, new BatchLimits(1, 100_000, 4, 0), log);
    CompletableFuture<ContinuousBatcher.Result> running = batcher.submit("The quick brown fox", exactly(30));
    hold.awaitReached();
    CompletableFuture<Void> closing = CompletableFuture.runAsync(batcher::close);
    hold.release();
    closing.get(30, TimeUnit.SECONDS);
    int steps = log.steps();
    assertThat(running).as("answered before close returned").isDone();
    assertThat(running.get().generations().get(0).newTokens()).isEqualTo(30);
    assertThat(steps).isEqualTo(29); // the first token comes from the prefill
  }

  @Test
  @DisplayName("the classifier's queued texts are classified before shutdown completes")
  void classifierDrains() throws Exception {
    StepLog log = new StepLog();
    StepLog.Hold hold = log.holdAt(1);
    try (TextClassifier classifier = TextClassifier.load(Fixtures.CLASSIFIER, ModelOptions.defaults())) {
      ClassifierBatcher batcher = ClassifierBatcher.start(classifier, new BatchLimits(2, 100_000, 8, 0), log);
      CompletableFuture<ClassifierBatcher.Result> first = batcher.submit(List.of("first"));
      hold.awaitReached();
      List<CompletableFuture<ClassifierBatcher.Result>> queued =
          List.of(batcher.submit(List.of("second")), batcher.submit(List.of("third")), batcher.submit(List.of("fourth")));
      CompletableFuture<Void> stopped = batcher.shutdown();
      hold.release();
      stopped.get(30, TimeUnit.SECONDS);
      assertThat(first).isCompleted();
      assertThat(queued).allMatch(CompletableFuture::isDone).noneMatch(CompletableFuture::isCompletedExceptionally);
      assertThat(log.sizes()).containsExactly(1, 2, 1);
    }
  }

  private static void assertClosed(CompletableFuture<?> future) {
    assertThat(future).isCompletedExceptionally();
    assertThatThrownBy(future::get).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(ServiceException.class);
  }
}
