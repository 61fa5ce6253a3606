package io.inferencegraph.model.generate;

import io.inferencegraph.api.Deadline;
import io.inferencegraph.api.GenerationParams;
import io.inferencegraph.api.Params;
import io.inferencegraph.api.TokenLogprob;
import io.inferencegraph.model.Decoding;
import io.inferencegraph.model.Fixtures;
import io.inferencegraph.model.batch.BatchLimits;
import io.inferencegraph.model.batch.BatchObserver;
import io.inferencegraph.model.load.ModelOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@Timeout(60)
@DisplayName("A sequence that asks for logprobs gets one entry per new token, from the raw logits, with offsets into its text")
class LogprobsTest {
  private static final String PROMPT = "I have an idea!";
  private static TextGenerator generator;

  @BeforeAll
  static void load() {
    generator = TextGenerator.load(Fixtures.decoder("distilgpt2-tiny"), ModelOptions.defaults());
  }

  @AfterAll
  static void close() {
    generator.close();
  }

  private static GenerationParams greedy(Object... more) {
    List<Object> pairs = new ArrayList<>(List.of("max_new_tokens", 16, "do_sample", false));
    pairs.addAll(Arrays.asList(more));
    return Params.of(pairs.toArray());
  }

  /** torch's first-step logits for the prompt, as a log-softmax. */
  private static double[] torchLogSoftmax() {
    double[] logits = Fixtures.doubles(Fixtures.reference(Fixtures.decoder("distilgpt2-tiny"))
        .getAsJsonArray("first_step_logits")).stream().mapToDouble(Double::doubleValue).toArray();
    double max = Arrays.stream(logits).max().orElseThrow();
    double logTotal = max + Math.log(Arrays.stream(logits).map(l -> Math.exp(l - max)).sum());
    return Arrays.stream(logits).map(l -> l - logTotal).toArray();
  }

  @Test
  @DisplayName("the batcher's entries (offsets noted as it decodes) equal a direct decode's (offsets found at the end)")
  void batcherEqualsDirect() throws Exception {
    Generation direct = Decoding.one(generator, PROMPT, greedy("logprobs", 2));
    Generation batched;
    List<TokenLogprob> streamed = new ArrayList<>();
    try (ContinuousBatcher batcher = ContinuousBatcher.start(generator, new BatchLimits(4, 100_000, 4, 0),
        BatchObserver.NONE)) {
      batched = batcher.submit(PROMPT, greedy("logprobs", 2)).get(30, TimeUnit.SECONDS).generations().get(0);
      TokenListener listener = new TokenListener() {
        @Override
        public void onToken(int index, String text, List<TokenLogprob> logprobs) {
          streamed.addAll(logprobs);
        }
      };
      batcher.submit(PROMPT, greedy("logprobs", 2), listener, Deadline.NONE).get(30, TimeUnit.SECONDS);
    }
    String text = direct.generatedText().substring(PROMPT.length());
    assertThat(direct.logprobs()).hasSize(16).isEqualTo(batched.logprobs()).isEqualTo(streamed);
    int previous = 0;
    for (TokenLogprob entry : direct.logprobs()) {
      assertThat(entry.textOffset()).isGreaterThanOrEqualTo(previous);
      assertThat(text.substring(entry.textOffset())).startsWith(entry.token());
      previous = entry.textOffset() + entry.token().length();
    }
    assertThat(previous).isEqualTo(text.length());
    assertThat(Decoding.one(generator, PROMPT, greedy()).logprobs()).as("not asked: none").isNull();
  }

  @Test
  @DisplayName("logprobs come before the logits processors: a repetition penalty changes the tokens, not the first step's logprobs")
  void rawBeforeProcessors() {
    double[] torch = torchLogSoftmax();
    Generation plain = Decoding.one(generator, PROMPT, greedy("logprobs", 5));
    Generation penalised = Decoding.one(generator, PROMPT, greedy("logprobs", 5, "repetition_penalty", 4.0,
        "no_repeat_ngram_size", 1, "min_new_tokens", 16));
    assertThat(penalised.tokenIds()).as("the processors are at work").isNotEqualTo(plain.tokenIds());
    TokenLogprob first = penalised.logprobs().get(0);
    assertThat(first.top()).isEqualTo(plain.logprobs().get(0).top());
    long chosen = penalised.tokenIds().get(0);
    assertThat(first.logprob()).isCloseTo(torch[(int) chosen], within(1e-4));
    List<Double> best = Arrays.stream(torch).boxed().sorted((a, b) -> Double.compare(b, a)).limit(5).toList();
    List<Double> served = List.copyOf(plain.logprobs().get(0).top().values());
    for (int k = 0; k < 5; k++) {
      assertThat(served.get(k)).isCloseTo(best.get(k), within(1e-4));
    }
    for (int t = 0; t < 16; t++) {
      TokenLogprob entry = penalised.logprobs().get(t);
      assertThat(entry.top()).hasSizeBetween(5, 6).containsEntry(entry.token(), entry.logprob());
    }
  }
}
