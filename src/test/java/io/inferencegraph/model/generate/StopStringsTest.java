package io.inferencegraph.model.generate;

import io.inferencegraph.api.Deadline;
import io.inferencegraph.api.GenerationParams;
import io.inferencegraph.api.Params;
import io.inferencegraph.model.Decoding;
import io.inferencegraph.model.Fixtures;
import io.inferencegraph.model.StepLog;
import io.inferencegraph.model.batch.BatchLimits;
import io.inferencegraph.model.load.ModelOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
@DisplayName("Stop strings end a sequence during generation: its row leaves the batch at the stop string")
class StopStringsTest {
  private static final String PROMPT = "I have an idea!";
  private static final int TOKENS = 30;
  private static TextGenerator generator;
  private static Generation full;
  private static String continuation;

  @BeforeAll
  static void load() {
    generator = TextGenerator.load(Fixtures.decoder("gpt2-tiny"), ModelOptions.defaults());
    full = Decoding.one(generator, PROMPT, ContinuousBatcherTest.exactly(TOKENS));
    continuation = full.generatedText().substring(PROMPT.length());
  }

  @AfterAll
  static void close() {
    generator.close();
  }

  /** A stop string from the middle of the greedy continuation, and the text before its first appearance. */
  private static String stopFromMiddle() {
    int middle = continuation.length() / 2;
    String stop = continuation.substring(middle, middle + 3);
    assertThat(continuation.indexOf(stop)).as("the stop string is not at the very start").isPositive();
    return stop;
  }

  private static GenerationParams stopping(Object stops) {
    return Params.of("max_new_tokens", TOKENS, "do_sample", false, "num_return_sequences", 1,
        "min_new_tokens", TOKENS, "stop_strings", stops);
  }

  @Test
  @DisplayName("the sequence ends at the stop string: text before it, only the tokens before it, fewer steps, reason stop")
  void stopsDuringGeneration() throws Exception {
    String stop = stopFromMiddle();
    String expected = continuation.substring(0, continuation.indexOf(stop));
    StepLog log = new StepLog();
    StringBuilder streamed = new StringBuilder();
    TokenListener listener = new TokenListener() {
      @Override
      public void onToken(int index, String text) {
        streamed.append(text);
      }
    };
    try (ContinuousBatcher batcher = ContinuousBatcher.start(generator, new BatchLimits(16, 100_000, 16, 0), log)) {
      Generation stopped = batcher.submit(PROMPT, stopping(List.of("never appears here", stop)), listener,
          Deadline.NONE).get(30, TimeUnit.SECONDS).generations().get(0);
      assertThat(stopped.generatedText()).isEqualTo(PROMPT + expected);
      assertThat(streamed.toString()).as("the stream never shows the stop string").isEqualTo(expected);
      assertThat(stopped.finishReason()).isEqualTo("stop");
      assertThat(full.tokenIds()).startsWith(stopped.tokenIds().toArray(Long[]::new));
      assertThat(stopped.newTokens()).isLessThan(TOKENS);
      // the first token not kept is where the stop string starts: kept tokens cover the text before it, no more
      assertThat(decode(stopped.newTokens())).hasSizeLessThanOrEqualTo(expected.length());
      assertThat(decode(stopped.newTokens() + 1)).hasSizeGreaterThan(expected.length());
      assertThat(log.steps()).as("the row left the batch before max_new_tokens").isLessThan(TOKENS - 1);
      assertThat(decode(log.steps() + 1)).as("the last token made completes the stop string").contains(stop);
      assertThat(decode(log.steps())).doesNotContain(stop);
    }
  }

  @Test
  @DisplayName("without a listener the stop string still ends the sequence; a string never produced changes nothing")
  void silentAndAbsent() {
    String stop = stopFromMiddle();
    try (ContinuousBatcher batcher = ContinuousBatcher.start(generator, new BatchLimits(16, 100_000, 16, 0),
        new StepLog())) {
      Generation silent = batcher.submit(PROMPT, stopping(stop)).get(30, TimeUnit.SECONDS).generations().get(0);
      assertThat(silent).isEqualTo(new Generation(PROMPT + continuation.substring(0, continuation.indexOf(stop)),
          full.promptTokens(), 0, silent.tokenIds(), "stop"));
      Generation absent = batcher.submit(PROMPT, stopping("never appears here")).get(30, TimeUnit.SECONDS)
          .generations().get(0);
      assertThat(absent).isEqualTo(full);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** The greedy continuation's first {@code tokens} new tokens as text (greedy: a shorter run is a prefix). */
  private static String decode(int tokens) {
    return tokens == 0 ? "" : Decoding.one(generator, PROMPT, ContinuousBatcherTest.exactly(tokens)).generatedText()
        .substring(PROMPT.length());
  }
}
