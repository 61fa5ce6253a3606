package io.inferencegraph.model.generate;

import io.inferencegraph.api.GenerationParams;
import io.inferencegraph.api.Params;
import io.inferencegraph.api.ServiceException;
import io.inferencegraph.model.Decoding;
import io.inferencegraph.model.Fixtures;
import io.inferencegraph.model.StepLog;
import io.inferencegraph.model.batch.BatchLimits;
import io.inferencegraph.model.batch.BatchObserver;
import io.inferencegraph.model.classify.Classification;
import io.inferencegraph.model.classify.ClassifierBatcher;
import io.inferencegraph.model.classify.TextClassifier;
import io.inferencegraph.model.load.ModelOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

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

  private static Generation alone(String prompt, GenerationParams params) {
    return Decoding.generate(generator, List.of(prompt), params).get(0).get(0);
  }

  /** Greedy, exactly {@code tokens} new tokens: eos is held back, so the length never depends on the prompt. */
  static GenerationParams exactly(int tokens) {
    return Params.of("max_new_tokens", tokens, "do_sample", false, "num_return_sequences", 1, "min_new_tokens", tokens);
  }

  @Test
  @DisplayName("greedy sequences joining at later steps equal their outputs alone")
  void greedyJoinsAtDifferentSteps() throws Exception {
    assertJoinedEqualsAlone(List.of(Fixtures.greedy(60), Fixtures.greedy(20), Fixtures.greedy(35)));
  }

  @Test
  @DisplayName("sampled sequences with seeds and different parameters equal their outputs alone")
  void sampledJoinsAtDifferentSteps() throws Exception {
    assertJoinedEqualsAlone(List.of(
        Params.of("max_new_tokens", 60, "do_sample", true, "temperature", 0.7, "top_k", 20, "top_p", 1.0, "seed", 3L, "num_return_sequences", 1),
        Params.of("max_new_tokens", 25, "do_sample", true, "temperature", 1.2, "top_k", 0, "top_p", 0.8, "seed", 99L, "num_return_sequences", 2),
        Params.of("max_new_tokens", 30, "do_sample", true, "temperature", 1.0, "top_k", 50, "top_p", 0.95, "seed", 5L, "num_return_sequences", 1)));
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

  /** The first request runs alone for 3 steps; the second joins at step 4, the third at step 6. */
  private void assertJoinedEqualsAlone(List<GenerationParams> params) throws Exception {
    String first = longRunning(params.get(0));
    String second = longRunning(params.get(1), first);
    List<String> prompts = List.of(first, second, longRunning(params.get(2), first, second));
    StepLog log = new StepLog();
    StepLog.Hold beforeSecond = log.holdAt(3);
    StepLog.Hold beforeThird = log.holdAt(5);
    List<CompletableFuture<ContinuousBatcher.Result>> futures = new ArrayList<>();
    try (ContinuousBatcher batcher = ContinuousBatcher.start(generator, new BatchLimits(16, 100_000, 16, 0), log)) {
      futures.add(batcher.submit(prompts.get(0), params.get(0)));
      beforeSecond.awaitReached();
      futures.add(batcher.submit(prompts.get(1), params.get(1)));
      beforeSecond.release();
      beforeThird.awaitReached();
      futures.add(batcher.submit(prompts.get(2), params.get(2)));
      beforeThird.release();
      for (int i = 0; i < prompts.size(); i++) {
        ContinuousBatcher.Result result = futures.get(i).get(30, TimeUnit.SECONDS);
        assertThat(result.generations()).as(prompts.get(i)).isEqualTo(alone(prompts, params, i));
        assertThat(result.stats().batchSize()).as("ran with company").isGreaterThan(1);
      }
    }
    int one = params.get(0).numReturnSequences();
    int two = one + params.get(1).numReturnSequences();
    int three = two + params.get(2).numReturnSequences();
    assertThat(log.sizes()).startsWith(one, one, one, two, two, three);
  }

  private static List<Generation> alone(List<String> prompts, List<GenerationParams> params, int i) {
    return Decoding.generate(generator, List.of(prompts.get(i)), params.get(i)).get(0);
  }

  @Test
  @DisplayName("a short sequence is answered while a longer one in its batch is still running")
  void shortAnsweredFirst() throws Exception {
    StepLog log = new StepLog();
    StepLog.Hold hold = log.holdAt(2);
    try (ContinuousBatcher batcher = ContinuousBatcher.start(generator, new BatchLimits(16, 100_000, 16, 0), log)) {
      CompletableFuture<ContinuousBatcher.Result> longOne = batcher.submit("The quick brown fox", exactly(200));
      hold.awaitReached();
      CompletableFuture<ContinuousBatcher.Result> shortOne = batcher.submit("I have an idea!", exactly(4));
      // Registered before the short one can finish, so it runs on the batch loop at the moment it is answered.
      CompletableFuture<Boolean> longDoneThen = shortOne.thenApply(result -> longOne.isDone());
      CompletableFuture<Integer> stepThen = shortOne.thenApply(result -> log.steps());
      hold.release();
      assertThat(longDoneThen.get(30, TimeUnit.SECONDS)).as("the long one was done when the short one was answered")
          .isFalse();
      assertThat(stepThen.get()).as("answered at step").isEqualTo(2 + 3);
      assertThat(shortOne.get().generations().get(0).newTokens()).isEqualTo(4);
      assertThat(longOne.get(30, TimeUnit.SECONDS).generations().get(0).newTokens()).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("a full queue refuses at once with a typed error, while the batch loop is busy")
  void fullQueueRefused() throws Exception {
    StepLog log = new StepLog();
    StepLog.Hold hold = log.holdAt(1);
    try (ContinuousBatcher batcher = ContinuousBatcher.start(generator, new BatchLimits(1, 100_000, 1, 0), log)) {
      CompletableFuture<ContinuousBatcher.Result> running = batcher.submit("The quick brown fox", exactly(20));
      hold.awaitReached();
      CompletableFuture<ContinuousBatcher.Result> waiting = batcher.submit("I have an idea!", exactly(5));
      // The loop is held inside a step: the refusal cannot have waited for it.
      assertThatThrownBy(() -> batcher.submit("one too many", exactly(5)))
          .isInstanceOf(ServiceException.class).hasMessageContaining("waiting");
      assertThat(log.rejected).hasValue(1);
      hold.release();
      assertThat(running.get(30, TimeUnit.SECONDS).stats().batchSize()).isEqualTo(1);
      assertThat(waiting.get(30, TimeUnit.SECONDS).stats().batchSize()).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("the tokens-in-flight limit keeps requests from sharing a batch when their KV would not fit")
  void tokensInFlightLimit() throws Exception {
    int tokens = alone("I have an idea!", Fixtures.greedy(1)).promptTokens() + 30;
    assertThat(largestStepOfTwo(tokens + 5)).as("limit below two requests").isEqualTo(1);
    assertThat(largestStepOfTwo(2 * tokens)).as("limit fits two requests").isEqualTo(2);
  }

  @Test
  @DisplayName("the budget counts rows × the longest row, as the padded KV cache holds them, not the sum of lengths")
  void tokensInFlightCountPadding() throws Exception {
    int prompt = alone("I have an idea!", Fixtures.greedy(1)).promptTokens();
    int sum = (prompt + 30) + (prompt + 5);
    assertThat(largestStepOfTwo(sum, 30, 5)).as("the sum fits, the padded batch does not").isEqualTo(1);
    assertThat(largestStepOfTwo(2 * (prompt + 30), 30, 5)).as("two rows of the longest fit").isEqualTo(2);
  }

  /** Two requests of 30 tokens, the second queued while the first is held at its first step. */
  private static int largestStepOfTwo(int tokensInFlight) throws Exception {
    return largestStepOfTwo(tokensInFlight, 30, 30);
  }

  private static int largestStepOfTwo(int tokensInFlight, int firstTokens, int secondTokens) throws Exception {
    StepLog log = new StepLog();
    StepLog.Hold hold = log.holdAt(1);
    try (ContinuousBatcher batcher = ContinuousBatcher.start(generator, new BatchLimits(16, tokensInFlight, 16, 0),
        log)) {
      var first = batcher.submit("I have an idea!", exactly(firstTokens));
      hold.awaitReached();
      var second = batcher.submit("I have an idea!", exactly(secondTokens));
      hold.release();
      first.get(30, TimeUnit.SECONDS);
      second.get(30, TimeUnit.SECONDS);
    }
    return log.sizes().stream().mapToInt(Integer::intValue).max().orElseThrow();
  }

  @Test
  @DisplayName("invalid parameters are refused at submit, before queueing")
  void invalidAtSubmit() {
    try (ContinuousBatcher batcher = ContinuousBatcher.start(generator, new BatchLimits(4, 10_000, 4, 0),
        BatchObserver.NONE)) {
      assertThatThrownBy(() -> batcher.submit("hi", Fixtures.greedy(100_000)))
          .isInstanceOf(ServiceException.class);
    }
  }

  @Test
  @DisplayName("the classifier classifies the texts that waited during a call in one call, with the same probabilities")
  void classifierBatches() throws Exception {
    List<String> texts = List.of("I love this movie!", "The plot was slow.", "TERRIBLE.", "Fine, I guess.",
        "A masterpiece", "Not for me", "Why?", "Café au lait");
    StepLog log = new StepLog();
    StepLog.Hold hold = log.holdAt(1);
    try (TextClassifier classifier = TextClassifier.load(Fixtures.CLASSIFIER, ModelOptions.defaults());
        ClassifierBatcher batcher = ClassifierBatcher.start(classifier, new BatchLimits(8, 100_000, 64, 0), log)) {
      List<CompletableFuture<ClassifierBatcher.Result>> futures = new ArrayList<>();
      futures.add(batcher.submit(List.of(texts.get(0))));
      hold.awaitReached();
      texts.subList(1, texts.size()).forEach(text -> futures.add(batcher.submit(List.of(text))));
      hold.release();
      for (int i = 0; i < texts.size(); i++) {
        ClassifierBatcher.Result result = futures.get(i).get(30, TimeUnit.SECONDS);
        Classification expected = classifier.classify(List.of(texts.get(i))).get(0);
        assertThat(result.classifications()).hasSize(1);
        assertThat(result.classifications().get(0).label()).isEqualTo(expected.label());
        assertThat(result.classifications().get(0).score()).isCloseTo(expected.score(), within(1e-6));
      }
    }
    assertThat(log.sizes()).containsExactly(1, texts.size() - 1);
  }
}
