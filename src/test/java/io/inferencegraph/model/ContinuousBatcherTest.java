package io.inferencegraph.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
@DisplayName("Continuous batching: sequences join and leave a running batch and answer as if alone")
class ContinuousBatcherTest {
  private static TextGenerator generator;

  @BeforeAll
  static void load() {
    generator = TextGenerator.load(Fixtures.decoder("gpt2-tiny"), ModelOptions.defaults());
  }

  @AfterAll
  static void close() {
    generator.close();
  }

  /** Counts decode steps and lets a test wait for the n-th one. */
  static final class StepCounter implements BatchObserver {
    final AtomicInteger steps = new AtomicInteger();
    final Semaphore stepped = new Semaphore(0);
    final List<Integer> sizes = new ArrayList<>();

    @Override
    public synchronized void onStep(int batchSize, long nanos, int queued) {
      steps.incrementAndGet();
      sizes.add(batchSize);
      stepped.release();
    }

    void awaitSteps(int n) throws InterruptedException {
      assertThat(stepped.tryAcquire(n, 20, TimeUnit.SECONDS)).as("%d more steps", n).isTrue();
    }
  }

  private static Generation alone(String prompt, GenerationParams params) {
    return generator.generate(List.of(prompt), params).get(0).get(0);
  }

  @Test
  @DisplayName("greedy sequences joining at different steps equal their outputs alone")
  void greedyJoinsAtDifferentSteps() throws Exception {
    assertJoinedEqualsAlone(List.of(Fixtures.greedy(60), Fixtures.greedy(20), Fixtures.greedy(35)));
  }

  @Test
  @DisplayName("sampled sequences with seeds and different parameters equal their outputs alone")
  void sampledJoinsAtDifferentSteps() throws Exception {
    assertJoinedEqualsAlone(List.of(
        GenerationParams.builder().maxNewTokens(60).doSample(true)
            .temperature(0.7).topK(20).topP(1.0).seed(3L).numReturnSequences(1).build(),
        GenerationParams.builder().maxNewTokens(25).doSample(true)
            .temperature(1.2).topK(0).topP(0.8).seed(99L).numReturnSequences(2).build(),
        GenerationParams.builder().maxNewTokens(30).doSample(true)
            .temperature(1.0).topK(50).topP(0.95).seed(5L).numReturnSequences(1).build()));
  }

  private static final List<String> PROMPTS = List.of("The quick brown fox", "I have an idea!",
      "This License applies to any program or other work", "Version 2.0 (January 2004):", "You may copy",
      "Numbers like 1, 2 and 3.");

  /** A prompt that, alone, runs to its token limit: it keeps the batch busy while others join. */
  private static String longRunning(GenerationParams params, String... taken) {
    return PROMPTS.stream().filter(p -> !List.of(taken).contains(p))
        .filter(p -> alone(p, params).finishReason().equals("length")).findFirst()
        .orElseThrow(() -> new AssertionError("every prompt meets eos early; the fixture models changed?"));
  }

  private void assertJoinedEqualsAlone(List<GenerationParams> params) throws Exception {
    String first = longRunning(params.get(0));
    String second = longRunning(params.get(1), first);
    List<String> prompts = List.of(first, second, longRunning(params.get(2), first, second));
    StepCounter counter = new StepCounter();
    List<CompletableFuture<ContinuousBatcher.Result>> futures = new ArrayList<>();
    try (ContinuousBatcher batcher = new ContinuousBatcher(generator, new BatchLimits(16, 100_000, 16, 0), counter)) {
      futures.add(batcher.submit(prompts.get(0), params.get(0)));
      counter.awaitSteps(3);
      futures.add(batcher.submit(prompts.get(1), params.get(1)));
      counter.awaitSteps(2);
      futures.add(batcher.submit(prompts.get(2), params.get(2)));
      for (int i = 0; i < prompts.size(); i++) {
        ContinuousBatcher.Result result = futures.get(i).get(30, TimeUnit.SECONDS);
        List<Generation> expected = generator.generate(List.of(prompts.get(i)), params.get(i)).get(0);
        assertThat(result.generations()).as(prompts.get(i)).isEqualTo(expected);
        assertThat(result.stats().batchSize()).as("ran with company").isGreaterThan(1);
      }
    }
    assertThat(counter.sizes).contains(1).anyMatch(size -> size >= 3);
  }

  @Test
  @DisplayName("a short sequence is answered while a longer one in its batch is still running")
  void shortAnsweredFirst() throws Exception {
    StepCounter counter = new StepCounter();
    try (ContinuousBatcher batcher = new ContinuousBatcher(generator, new BatchLimits(16, 100_000, 16, 0), counter)) {
      CompletableFuture<ContinuousBatcher.Result> longOne = batcher.submit(longRunning(Fixtures.greedy(200)),
          Fixtures.greedy(200));
      counter.awaitSteps(2);
      ContinuousBatcher.Result shortOne = batcher.submit("I have an idea!", Fixtures.greedy(4)).get(30, TimeUnit.SECONDS);
      assertThat(longOne).as("the long sequence is still decoding").isNotDone();
      assertThat(shortOne.generations().get(0).newTokens()).isLessThanOrEqualTo(4);
      assertThat(longOne.get(30, TimeUnit.SECONDS).generations().get(0).newTokens()).isGreaterThan(4);
    }
  }

  @Test
  @DisplayName("a full queue refuses at once with a typed error")
  void fullQueueRefused() throws Exception {
    StepCounter counter = new StepCounter();
    try (ContinuousBatcher batcher = new ContinuousBatcher(generator, new BatchLimits(1, 100_000, 1, 0), counter)) {
      CompletableFuture<ContinuousBatcher.Result> running = batcher.submit(longRunning(Fixtures.greedy(200)),
          Fixtures.greedy(200));
      counter.awaitSteps(1);
      CompletableFuture<ContinuousBatcher.Result> waiting = batcher.submit("I have an idea!", Fixtures.greedy(5));
      long start = System.nanoTime();
      assertThatThrownBy(() -> batcher.submit("one too many", Fixtures.greedy(5)))
          .isInstanceOf(OverloadedException.class).hasMessageContaining("waiting");
      assertThat(System.nanoTime() - start).as("refused without waiting").isLessThan(TimeUnit.SECONDS.toNanos(1));
      assertThat(running.get(30, TimeUnit.SECONDS).stats().batchSize()).isEqualTo(1);
      assertThat(waiting.get(30, TimeUnit.SECONDS).stats().queuedNanos()).isPositive();
    }
  }

  @Test
  @DisplayName("the tokens-in-flight limit keeps requests from sharing a batch when their KV would not fit")
  void tokensInFlightLimit() throws Exception {
    int tokens = generator.generate(List.of("I have an idea!"), Fixtures.greedy(1)).get(0).get(0).promptTokens() + 30;
    try (ContinuousBatcher batcher = new ContinuousBatcher(generator, new BatchLimits(16, tokens + 5, 16, 0),
        BatchObserver.NONE)) {
      var first = batcher.submit("I have an idea!", Fixtures.greedy(30));
      var second = batcher.submit("I have an idea!", Fixtures.greedy(30));
      assertThat(first.get(30, TimeUnit.SECONDS).stats().batchSize()).isEqualTo(1);
      assertThat(second.get(30, TimeUnit.SECONDS).stats().batchSize()).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("invalid parameters are refused at submit, before queueing")
  void invalidAtSubmit() {
    try (ContinuousBatcher batcher = new ContinuousBatcher(generator, new BatchLimits(4, 10_000, 4, 0),
        BatchObserver.NONE)) {
      assertThatThrownBy(() -> batcher.submit("hi", Fixtures.greedy(100_000)))
          .isInstanceOf(InvalidParameterException.class);
    }
  }

  @Test
  @DisplayName("the classifier batches concurrent texts into one call with the same probabilities")
  void classifierBatches() throws Exception {
    List<String> texts = List.of("I love this movie!", "The plot was slow.", "TERRIBLE.", "Fine, I guess.",
        "A masterpiece", "Not for me", "Why?", "Café au lait");
    StepCounter counter = new StepCounter();
    try (TextClassifier classifier = TextClassifier.load(Fixtures.CLASSIFIER, ModelOptions.defaults());
        ClassifierBatcher batcher = new ClassifierBatcher(classifier, new BatchLimits(8, 100_000, 64, 20), counter)) {
      List<CompletableFuture<ClassifierBatcher.Result>> futures = texts.stream().map(batcher::submit).toList();
      for (int i = 0; i < texts.size(); i++) {
        ClassifierBatcher.Result result = futures.get(i).get(30, TimeUnit.SECONDS);
        Classification expected = classifier.classify(List.of(texts.get(i))).get(0);
        assertThat(result.classification().label()).isEqualTo(expected.label());
        assertThat(result.classification().score()).isCloseTo(expected.score(), within(1e-6));
      }
      assertThat(counter.steps.get()).as("fewer calls than texts").isLessThan(texts.size());
    }
  }
}
