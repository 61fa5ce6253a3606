package io.inferencegraph.model.generate;

import io.inferencegraph.api.Deadline;
import io.inferencegraph.api.GenerationParams;
import io.inferencegraph.api.Params;
import io.inferencegraph.api.ServiceException;
import io.inferencegraph.model.Fixtures;
import io.inferencegraph.model.StepLog;
import io.inferencegraph.model.batch.BatchLimits;
import io.inferencegraph.model.batch.BatchObserver;
import io.inferencegraph.model.load.ModelOptions;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(60)
@DisplayName("The batcher streams each request's text, and drops cancelled or expired work at a step boundary")
class BatchCancelAndStreamTest {
  private static TextGenerator generator;

  @BeforeAll
  static void load() {
    generator = TextGenerator.load(Fixtures.decoder("gpt2-tiny"), ModelOptions.defaults());
  }

  @AfterAll
  static void close() {
    generator.close();
  }

  /** Collects each sequence's deltas and its generation, by index. */
  private static final class Collected implements TokenListener {
    final Map<Integer, StringBuilder> texts = new ConcurrentHashMap<>();
    final Map<Integer, Generation> finished = new ConcurrentHashMap<>();

    @Override
    public void onToken(int index, String text) {
      assertThat(finished).as("no text after the sequence ended").doesNotContainKey(index);
      texts.computeIfAbsent(index, i -> new StringBuilder()).append(text);
    }

    @Override
    public void onFinished(int index, Generation generation) {
      assertThat(finished.put(index, generation)).as("one end per sequence").isNull();
    }
  }

  @Test
  @DisplayName("two sampled sequences of one request stream deltas that add up to their generated texts")
  void deltasAddUp() throws Exception {
    GenerationParams params = Params.of("max_new_tokens", 40, "do_sample", true, "temperature", 0.9, "top_k", 0, "top_p", 1.0, "seed", 8L, "num_return_sequences", 2);
    Collected collected = new Collected();
    try (ContinuousBatcher batcher = ContinuousBatcher.start(generator, new BatchLimits(8, 100_000, 8, 0),
        BatchObserver.NONE)) {
      ContinuousBatcher.Result result = batcher.submit("Once upon", params, collected, Deadline.NONE)
          .get(30, TimeUnit.SECONDS);
      for (int i = 0; i < 2; i++) {
        Generation generation = result.generations().get(i);
        assertThat(collected.finished.get(i)).isEqualTo(generation);
        assertThat("Once upon" + collected.texts.getOrDefault(i, new StringBuilder()))
            .isEqualTo(generation.generatedText());
      }
    }
  }

  @Test
  @DisplayName("a running request cancelled while the loop is inside a step leaves the batch before the next one")
  void cancelRunning() throws Exception {
    StepLog log = new StepLog();
    StepLog.Hold hold = log.holdAt(3);
    try (ContinuousBatcher batcher = ContinuousBatcher.start(generator, new BatchLimits(1, 100_000, 8, 0), log)) {
      CompletableFuture<ContinuousBatcher.Result> running = batcher.submit("Once upon",
          ContinuousBatcherTest.exactly(200), TokenListener.NONE, Deadline.NONE);
      hold.awaitReached();
      running.cancel(false);
      CompletableFuture<ContinuousBatcher.Result> next = batcher.submit("Next", ContinuousBatcherTest.exactly(2));
      hold.release();
      assertThat(next.get(30, TimeUnit.SECONDS).generations().get(0).newTokens()).isEqualTo(2);
      // Steps 1-3 were the cancelled request's (prefill made its first token); the next ones are the new request's.
      assertThat(log.sizes()).containsExactly(1, 1, 1, 1);
      assertThat(log.cancelledAt.size()).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("a queued request whose deadline passes is failed, never prefilled")
  void expireQueued() throws Exception {
    StepLog log = new StepLog();
    StepLog.Hold hold = log.holdAt(2);
    try (ContinuousBatcher batcher = ContinuousBatcher.start(generator, new BatchLimits(1, 100_000, 8, 0), log)) {
      CompletableFuture<ContinuousBatcher.Result> first = batcher.submit("Once upon", ContinuousBatcherTest.exactly(4));
      hold.awaitReached();
      CompletableFuture<ContinuousBatcher.Result> late = batcher.submit("Late", ContinuousBatcherTest.exactly(4),
          TokenListener.NONE, new Deadline(System.nanoTime())); // its deadline is already behind it when the loop next looks
      hold.release();
      assertThatThrownBy(() -> late.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(ServiceException.class);
      assertThat(first.get(30, TimeUnit.SECONDS).generations().get(0).newTokens()).isEqualTo(4);
      assertThat(log.sizes()).as("only the first request ever ran").containsExactly(1, 1, 1);
      assertThat(log.expiredAt.size()).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("a cancelled future fails with CancellationException, not a model error")
  void cancelledFuture() {
    try (ContinuousBatcher batcher = ContinuousBatcher.start(generator, new BatchLimits(1, 100_000, 8, 0),
        BatchObserver.NONE)) {
      CompletableFuture<ContinuousBatcher.Result> work = batcher.submit("x", ContinuousBatcherTest.exactly(100));
      work.cancel(false);
      assertThatThrownBy(work::join).isInstanceOf(CancellationException.class);
    }
  }
}
