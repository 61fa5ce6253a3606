package io.inferencegraph.model.generate;

import io.inferencegraph.api.GenerationParams;
import io.inferencegraph.api.Params;
import io.inferencegraph.api.ServiceException;
import io.inferencegraph.model.Decoding;
import io.inferencegraph.model.Fixtures;
import io.inferencegraph.model.load.ModelDirectory;
import io.inferencegraph.model.load.ModelOptions;
import io.inferencegraph.model.load.TextTokenizer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Generation follows the Hugging Face pipeline's semantics")
class GenerationSemanticsTest {
  private static TextGenerator generator;

  @BeforeAll
  static void load() {
    generator = TextGenerator.load(Fixtures.decoder("gpt2-tiny"), ModelOptions.defaults());
  }

  @AfterAll
  static void close() {
    generator.close();
  }

  private static Generation one(String prompt, GenerationParams params) {
    return Decoding.generate(generator, List.of(prompt), params).get(0).get(0);
  }

  @Test
  @DisplayName("defaults come from generation_config.json, then task_specific_params, like gpt2's")
  void modelDefaults() {
    GenerationParams defaults = generator.defaults();
    assertThat(defaults.doSample()).isTrue();
    assertThat(defaults.maxLength()).isEqualTo(50);
    assertThat(defaults.topK()).isEqualTo(50);
  }

  @Test
  @DisplayName("max_length counts the prompt plus the new tokens")
  void maxLengthIncludesPrompt() {
    Generation g = one("The quick brown fox", Params.of("max_length", 12, "do_sample", false, "num_return_sequences", 1));
    assertThat(g.finishReason().equals("eos") ? g.promptTokens() + g.newTokens() <= 12
        : g.promptTokens() + g.newTokens() == 12).isTrue();
  }

  @Test
  @DisplayName("max_new_tokens wins over max_length")
  void maxNewTokensWins() {
    Generation g = one("The quick brown fox", Params.of("max_length", 6, "max_new_tokens", 9, "do_sample", false, "num_return_sequences", 1));
    assertThat(g.newTokens()).isLessThanOrEqualTo(9);
    if (!g.finishReason().equals("eos")) {
      assertThat(g.newTokens()).isEqualTo(9);
    }
  }

  @Test
  @DisplayName("no_repeat_ngram_size 1 repeats no token where plain greedy does; repetition_penalty changes greedy output")
  void repetitionControls() {
    Generation plain = one("I have an idea!", ContinuousBatcherTest.exactly(40));
    assertThat(new java.util.HashSet<>(plain.tokenIds())).as("plain greedy repeats itself").hasSizeLessThan(40);
    Generation banned = one("I have an idea!", Params.of("max_new_tokens", 40, "do_sample", false,
        "num_return_sequences", 1, "min_new_tokens", 40, "no_repeat_ngram_size", 1));
    assertThat(banned.tokenIds()).doesNotHaveDuplicates().hasSize(40);
    Generation bigrams = one("I have an idea!", Params.of("max_new_tokens", 40, "do_sample", false,
        "num_return_sequences", 1, "min_new_tokens", 40, "no_repeat_ngram_size", 2));
    assertThat(repeatsBigram(bigrams.tokenIds())).isFalse();
    Generation penalised = one("I have an idea!", Params.of("max_new_tokens", 40, "do_sample", false,
        "num_return_sequences", 1, "min_new_tokens", 40, "repetition_penalty", 1.5));
    assertThat(penalised.tokenIds()).isNotEqualTo(plain.tokenIds());
    assertThat(one("I have an idea!", Params.of("max_new_tokens", 40, "do_sample", false,
        "num_return_sequences", 1, "min_new_tokens", 40, "repetition_penalty", 1.0))).isEqualTo(plain);
  }

  private static boolean repeatsBigram(List<Long> ids) {
    java.util.Set<List<Long>> seen = new java.util.HashSet<>();
    for (int i = 0; i + 1 < ids.size(); i++) {
      if (!seen.add(ids.subList(i, i + 2))) {
        return true;
      }
    }
    return false;
  }

  @Test
  @DisplayName("a seed makes sampling reproducible, and different seeds differ")
  void seededSampling() {
    Generation a = one("I have an idea!", Fixtures.sampled(30, 42, 1));
    Generation b = one("I have an idea!", Fixtures.sampled(30, 42, 1));
    assertThat(a).isEqualTo(b);
    boolean anyDifferent = false;
    for (long seed = 1; seed <= 5 && !anyDifferent; seed++) {
      anyDifferent = !one("I have an idea!", Fixtures.sampled(30, seed, 1)).tokenIds().equals(a.tokenIds());
    }
    assertThat(anyDifferent).as("some other seed samples other tokens").isTrue();
  }

  @Test
  @DisplayName("num_return_sequences gives that many sequences, each reproducible")
  void numReturnSequences() {
    List<Generation> first = Decoding.generate(generator, List.of("I have an idea!"), Fixtures.sampled(20, 7, 3)).get(0);
    List<Generation> again = Decoding.generate(generator, List.of("I have an idea!"), Fixtures.sampled(20, 7, 3)).get(0);
    assertThat(first).hasSize(3).isEqualTo(again);
    assertThat(first.stream().map(Generation::tokenIds).distinct().count()).isGreaterThan(1);
  }

  @Test
  @DisplayName("a sampled sequence is the same alone and inside a batch with other prompts")
  void samplingIndependentOfBatch() {
    GenerationParams params = Fixtures.sampled(20, 11, 1);
    Generation alone = one("The quick brown fox", params);
    List<List<Generation>> batch = Decoding.generate(generator, 
        List.of("I have an idea!", "The quick brown fox", "Numbers like 1, 2 and 3."), params);
    assertThat(batch.get(1).get(0)).isEqualTo(alone);
  }

  @Test
  @DisplayName("greedy decoding refuses several return sequences, as Hugging Face does")
  void greedyWithSeveralSequences() {
    assertThatThrownBy(() -> one("hi", Params.of("max_new_tokens", 5, "do_sample", false, "num_return_sequences", 2)))
        .isInstanceOf(ServiceException.class).hasMessageContaining("num_return_sequences");
  }

  @Test
  @DisplayName("a prompt plus max_new_tokens over the context is refused in vLLM's words, never cut from the left")
  void overlongPrompt() {
    String prompt = "word ".repeat(400) + "end";
    int promptTokens = tokens(prompt);
    assertThatThrownBy(() -> one(prompt, Fixtures.greedy(16)))
        .isInstanceOf(ServiceException.class).hasMessage("max_new_tokens: This model's maximum context length is "
            + generator.contextLength() + " tokens. However, you requested " + (promptTokens + 16) + " tokens ("
            + promptTokens + " in the prompt, 16 for the completion). Please reduce the length of the prompt or completion.");
    String fits = "I" + " the".repeat(generator.contextLength() - 16 - 1);
    assertThat(one(fits, Fixtures.greedy(16)).promptTokens()).isEqualTo(generator.contextLength() - 16);
  }

  private static int tokens(String text) {
    try (TextTokenizer tokenizer = TextTokenizer.forDecoder(new ModelDirectory(Fixtures.decoder("gpt2-tiny")))) {
      return tokenizer.encode(text).length;
    }
  }

  @Test
  @DisplayName("max_length above the context stops at the context; a prompt that fills the context is refused")
  void maxLengthAboveContext() {
    int context = generator.contextLength();
    String prompt = "I" + " the".repeat(context - 6 - 1);
    Generation g = one(prompt, Params.of("max_length", context + 40, "do_sample", false, "min_new_tokens", 40));
    assertThat(g.promptTokens() + g.newTokens()).isEqualTo(context);
    assertThat(g.finishReason()).isEqualTo("length");
    assertThatThrownBy(() -> one("I" + " the".repeat(context), Params.of("max_length", context + 40, "do_sample", false)))
        .isInstanceOf(ServiceException.class).hasMessageStartingWith("max_length: This model's maximum context length is "
            + context + " tokens. However, the prompt alone has");
  }

  @Test
  @DisplayName("max_new_tokens at or over the context is refused, naming the field")
  void maxNewTokensOverContext() {
    assertThatThrownBy(() -> one("hi", Fixtures.greedy(generator.contextLength())))
        .isInstanceOf(ServiceException.class).hasMessageStartingWith("max_new_tokens");
  }

  @Test
  @DisplayName("an empty prompt starts from the bos token")
  void emptyPrompt() {
    Generation g = one("", Fixtures.greedy(5));
    assertThat(g.promptTokens()).isEqualTo(1);
  }

  @Test
  @DisplayName("min_new_tokens holds eos back until that many tokens are out")
  void minNewTokens() {
    long eos = Fixtures.reference(Fixtures.decoder("gpt2-tiny")).get("eos_token_id").getAsLong();
    for (Fixtures.Prompt prompt : Fixtures.prompts(Fixtures.decoder("gpt2-tiny"))) {
      Generation g = one(prompt.text(), Params.of("max_new_tokens", 30, "do_sample", false, "num_return_sequences", 1, "min_new_tokens", 30));
      assertThat(g.newTokens()).isEqualTo(30);
      assertThat(g.tokenIds()).doesNotContain(eos);
      assertThat(g.finishReason()).isEqualTo("length");
    }
  }

  @Test
  @DisplayName("eos from the model ends the text without the special token")
  void eosNotInText() {
    // Sample until some seed meets eos: the model's corpus ends documents with it.
    for (long seed = 0; seed < 40; seed++) {
      Generation g = one("The", Params.of("max_new_tokens", 120, "do_sample", true, "temperature", 1.5, "top_k", 0, "top_p", 1.0, "seed", seed, "num_return_sequences", 1));
      if (g.finishReason().equals("eos")) {
        assertThat(g.tokenIds().get(g.tokenIds().size() - 1)).isEqualTo(Fixtures.reference(Fixtures.decoder("gpt2-tiny")).get("eos_token_id").getAsLong());
        assertThat(g.generatedText()).doesNotContain("<|endoftext|>");
        assertThat(g.newTokens()).isLessThan(120);
        return;
      }
    }
    throw new AssertionError("no seed in 0..39 produced eos within 120 tokens at temperature 1.5");
  }

  @Test
  @DisplayName("a tiny temperature decodes what greedy decoding does")
  void tinyTemperatureIsGreedy() {
    List<Long> greedy = one("The quick brown fox", Fixtures.greedy(20)).tokenIds();
    for (double temperature : new double[] {1e-6, 1e-300, Double.MIN_VALUE}) {
      Generation sampled = one("The quick brown fox", Params.of("max_new_tokens", 20, "do_sample", true, "temperature", temperature, "top_k", 0, "top_p", 1.0, "seed", 5L, "num_return_sequences", 1));
      assertThat(sampled.tokenIds()).as("temperature %s", temperature).isEqualTo(greedy);
    }
  }

  @Test
  @DisplayName("a prompt that already fills max_length is refused, naming max_length, as Hugging Face refuses it")
  void promptFillsMaxLength() {
    String prompt = "The quick brown fox";
    int promptTokens = one(prompt, Fixtures.greedy(1)).promptTokens();
    for (int maxLength : new int[] {promptTokens, promptTokens - 1}) {
      assertThatThrownBy(() -> one(prompt, maxLength(maxLength)))
          .isInstanceOf(ServiceException.class)
          .hasMessageStartingWith("max_length")
          .hasMessageContaining("the prompt has " + promptTokens + " tokens");
    }
    Generation oneMore = one(prompt, maxLength(promptTokens + 1));
    assertThat(oneMore.newTokens()).isEqualTo(1);
    assertThat(one(prompt, Params.of("max_length", promptTokens, "max_new_tokens", 3, "do_sample", false)).newTokens())
        .as("max_new_tokens wins").isLessThanOrEqualTo(3);
  }

  private static GenerationParams maxLength(int maxLength) {
    return Params.of("max_length", maxLength, "do_sample", false, "num_return_sequences", 1);
  }
}
