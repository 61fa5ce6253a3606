package io.inferencegraph.model.generate;

import io.inferencegraph.model.Decoding;
import io.inferencegraph.model.Fixtures;
import io.inferencegraph.model.load.ModelDirectory;
import io.inferencegraph.model.load.ModelOptions;
import io.inferencegraph.model.load.SessionTuning;
import io.inferencegraph.model.load.TextTokenizer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Greedy generation matches the exporting torch model token for token")
class TextGeneratorReferenceTest {
  static final List<String> DECODERS = Fixtures.DECODERS;

  @ParameterizedTest(name = "{0}")
  @FieldSource("DECODERS")
  @DisplayName("the tokenizer gives the reference prompt ids")
  void tokenizerMatchesReference(String name) {
    Path model = Fixtures.decoder(name);
    try (TextTokenizer tokenizer = TextTokenizer.forDecoder(new ModelDirectory(model))) {
      for (Fixtures.Prompt prompt : Fixtures.prompts(model)) {
        assertThat(tokenizer.encode(prompt.text())).as(prompt.text())
            .containsExactly(prompt.inputIds().stream().mapToLong(Long::longValue).toArray());
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("DECODERS")
  @DisplayName("with the KV cache, one prompt at a time")
  void kvCacheOneByOne(String name) {
    assertOneByOne(Fixtures.decoder(name), ModelOptions.defaults());
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("DECODERS")
  @DisplayName("with full recompute every step, one prompt at a time")
  void fullRecomputeOneByOne(String name) {
    assertOneByOne(Fixtures.decoder(name), new ModelOptions(null, null, 1, false, SessionTuning.DEFAULT));
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("DECODERS")
  @DisplayName("with the KV cache, all prompts in one padded batch")
  void kvCacheBatched(String name) {
    assertBatched(Fixtures.decoder(name), ModelOptions.defaults());
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("DECODERS")
  @DisplayName("with full recompute, all prompts in one padded batch")
  void fullRecomputeBatched(String name) {
    assertBatched(Fixtures.decoder(name), new ModelOptions(null, null, 1, false, SessionTuning.DEFAULT));
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("LEGACY_FILES")
  @DisplayName("the legacy optimum graphs give the same tokens")
  void legacyGraphs(String file) {
    assertBatched(Fixtures.decoder("gpt2-tiny"), new ModelOptions(file, null, 1, true, SessionTuning.DEFAULT));
  }

  @org.junit.jupiter.api.Test
  @DisplayName("the quantized variant is chosen by configuration and stays close to the float model")
  void quantizedVariant() {
    Path model = Fixtures.decoder("gpt2-tiny");
    try (TextGenerator generator = TextGenerator.load(model, new ModelOptions(null, "quantized", 1, true, SessionTuning.DEFAULT))) {
      assertThat(generator.describe()).contains("model_quantized.onnx");
      for (Fixtures.Prompt prompt : Fixtures.prompts(model)) {
        List<Long> tokens = Decoding.generate(generator, List.of(prompt.text()), Fixtures.greedy(8)).get(0).get(0).tokenIds();
        // int8 weights move the logits a little; the first greedy tokens still agree with torch's float model
        assertThat(tokens.get(0)).as(prompt.text()).isEqualTo(prompt.outputIds().get(0));
      }
    }
  }

  static final List<String> LEGACY_FILES = List.of("onnx/decoder_model.onnx", "onnx/decoder_model_merged.onnx");

  private static void assertOneByOne(Path model, ModelOptions options) {
    int maxNew = Fixtures.referenceMaxNewTokens(model);
    try (TextGenerator generator = TextGenerator.load(model, options)) {
      for (Fixtures.Prompt prompt : Fixtures.prompts(model)) {
        Generation generation = Decoding.generate(generator, List.of(prompt.text()), Fixtures.greedy(maxNew)).get(0).get(0);
        assertThat(generation.tokenIds()).as(prompt.text()).isEqualTo(prompt.outputIds());
        assertThat(generation.generatedText()).startsWith(prompt.text());
        assertThat(generation.promptTokens()).isEqualTo(prompt.inputIds().size());
      }
    }
  }

  private static void assertBatched(Path model, ModelOptions options) {
    int maxNew = Fixtures.referenceMaxNewTokens(model);
    List<Fixtures.Prompt> prompts = Fixtures.prompts(model);
    try (TextGenerator generator = TextGenerator.load(model, options)) {
      List<List<Generation>> results =
          Decoding.generate(generator, prompts.stream().map(Fixtures.Prompt::text).toList(), Fixtures.greedy(maxNew));
      for (int i = 0; i < prompts.size(); i++) {
        assertThat(results.get(i).get(0).tokenIds()).as(prompts.get(i).text()).isEqualTo(prompts.get(i).outputIds());
      }
    }
  }
}
