package io.inferencegraph.model.load;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.inferencegraph.api.ServiceException;
import io.inferencegraph.model.Decoding;
import io.inferencegraph.model.Fixtures;
import io.inferencegraph.model.classify.Classification;
import io.inferencegraph.model.classify.TextClassifier;
import io.inferencegraph.model.generate.Generation;
import io.inferencegraph.model.generate.TextGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

@DisplayName("tokenizer_config.json is honoured as the Hugging Face pipelines do")
class TokenizerConfigTest {
  private static final Path LEGACY = Fixtures.decoder("gpt2-tiny-legacy");

  @TempDir
  Path temp;

  @Test
  @DisplayName("clean_up_tokenization_spaces true: generated_text as the pipeline returns it, spaces cleaned up")
  void cleanUpTrue() {
    assertThat(setting(LEGACY, "clean_up_tokenization_spaces").getAsBoolean()).isTrue();
    assertGeneratedText(LEGACY, "generated_text_clean_up");
  }

  @Test
  @DisplayName("clean_up_tokenization_spaces false: generated_text as the pipeline returns it without clean-up")
  void cleanUpFalse() throws IOException {
    assertGeneratedText(withSetting(LEGACY, "clean_up_tokenization_spaces", new JsonPrimitive(false)), "generated_text");
  }

  @Test
  @DisplayName("clean_up_tokenization_spaces absent or null: cleaned up, as transformers 4.x's text-generation pipeline does")
  void cleanUpWhenUnset() throws IOException {
    Path absent = Fixtures.copy(LEGACY, temp.resolve("absent"));
    Path file = absent.resolve("tokenizer_config.json");
    JsonObject config = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    config.remove("clean_up_tokenization_spaces");
    Files.writeString(file, config.toString());
    assertGeneratedText(absent, "generated_text_clean_up");
    assertGeneratedText(withSetting(LEGACY, "clean_up_tokenization_spaces", com.google.gson.JsonNull.INSTANCE),
        "generated_text_clean_up");
  }

  @Test
  @DisplayName("clean-up makes transformers' replacements, and only when asked")
  void cleanUpRules() throws IOException {
    String text = "Hello , world ! Is it ? I 'm sure it 's fine , they 're sure we 've done it . Do n't ' quote ' .";
    Path off = withSetting(LEGACY, "clean_up_tokenization_spaces", new JsonPrimitive(false));
    try (TextTokenizer cleaning = TextTokenizer.forDecoder(new ModelDirectory(LEGACY));
        TextTokenizer plain = TextTokenizer.forDecoder(new ModelDirectory(off))) {
      assertThat(plain.decode(plain.encode(text))).isEqualTo(text);
      assertThat(cleaning.decode(cleaning.encode(text)))
          .isEqualTo("Hello, world! Is it? I'm sure it's fine, they're sure we've done it. Don't'quote '.");
    }
  }

  @Test
  @DisplayName("model_max_length below n_positions bounds the decoder's context: longer requests are refused")
  void modelMaxLengthBoundsContext() throws IOException {
    Path model = withSetting(Fixtures.decoder("gpt2-tiny"), "model_max_length", new JsonPrimitive(32));
    String longPrompt = Fixtures.prompts(model).stream().map(Fixtures.Prompt::text)
        .reduce("", (a, b) -> a + " " + b).strip();
    try (TextGenerator generator = TextGenerator.load(model, ModelOptions.defaults())) {
      assertThat(generator.contextLength()).isEqualTo(32);
      assertThatThrownBy(() -> Decoding.generate(generator, List.of(longPrompt), Fixtures.greedy(8)))
          .isInstanceOf(ServiceException.class).hasMessageContaining("maximum context length is 32 tokens");
      assertThatThrownBy(() -> Decoding.generate(generator, List.of("hi"), Fixtures.greedy(32)))
          .isInstanceOf(ServiceException.class).hasMessageContaining("32");
    }
  }

  @Test
  @DisplayName("transformers' 'no limit' model_max_length (1e30) leaves the context at n_positions")
  void sentinelIgnored() {
    assertThat(setting(LEGACY, "model_max_length").getAsBigDecimal()).isGreaterThan(new java.math.BigDecimal("1e29"));
    int positions = config(LEGACY).get("n_positions").getAsInt();
    try (TextGenerator generator = TextGenerator.load(LEGACY, ModelOptions.defaults())) {
      assertThat(generator.contextLength()).isEqualTo(positions);
    }
  }

  @Test
  @DisplayName("the classifier truncates at model_max_length, keeping [SEP]")
  void classifierTruncates() throws IOException {
    Path model = withSetting(Fixtures.CLASSIFIER, "model_max_length", new JsonPrimitive(8));
    try (TextClassifier bounded = TextClassifier.load(model, ModelOptions.defaults());
        TextClassifier full = TextClassifier.load(Fixtures.CLASSIFIER, ModelOptions.defaults())) {
      assertThat(bounded.describe()).contains("max 8 tokens");
      // one word piece per word: [CLS] + six words + [SEP] fill the eight
      Classification cut = bounded.classify(List.of("good bad good bad good bad awful awful awful awful")).get(0);
      Classification prefix = full.classify(List.of("good bad good bad good bad")).get(0);
      assertThat(cut.label()).isEqualTo(prefix.label());
      assertThat(cut.score()).isCloseTo(prefix.score(), within(1e-6));
    }
  }

  @Test
  @DisplayName("a model_max_length that is not a positive whole number fails the load, naming the key")
  void badModelMaxLength() throws IOException {
    Path model = withSetting(Fixtures.decoder("gpt2-tiny"), "model_max_length", new JsonPrimitive(-5));
    assertThatThrownBy(() -> TextGenerator.load(model, ModelOptions.defaults()))
        .isInstanceOf(ModelLoadException.class).hasMessageContaining("model_max_length");
  }

  private static void assertGeneratedText(Path model, String field) {
    int maxNew = Fixtures.referenceMaxNewTokens(LEGACY);
    assertThat(Fixtures.reference(LEGACY).getAsJsonArray("prompts")).as("a prompt whose text clean-up changes")
        .anyMatch(p -> !p.getAsJsonObject().get("generated_text").equals(p.getAsJsonObject().get("generated_text_clean_up")));
    try (TextGenerator generator = TextGenerator.load(model, ModelOptions.defaults())) {
      for (JsonElement element : Fixtures.reference(LEGACY).getAsJsonArray("prompts")) {
        JsonObject prompt = element.getAsJsonObject();
        String text = prompt.get("text").getAsString();
        assertThat(Decoding.generate(generator, List.of(text), Fixtures.greedy(maxNew)).get(0).get(0).generatedText())
            .as(text).isEqualTo(prompt.get(field).getAsString());
      }
    }
  }

  private Path withSetting(Path model, String key, JsonElement value) throws IOException {
    Path copy = Fixtures.copy(model, temp.resolve(model.getFileName()));
    Path file = copy.resolve("tokenizer_config.json");
    JsonObject config = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    config.add(key, value);
    Files.writeString(file, config.toString());
    return copy;
  }

  private static JsonElement setting(Path model, String key) {
    return json(model.resolve("tokenizer_config.json")).get(key);
  }

  private static JsonObject config(Path model) {
    return json(model.resolve("config.json"));
  }

  private static JsonObject json(Path file) {
    try {
      return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
