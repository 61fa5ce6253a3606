package io.inferencegraph.model.load;

import io.inferencegraph.model.Fixtures;
import io.inferencegraph.model.classify.TextClassifier;
import io.inferencegraph.model.generate.TextGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("A model directory that is incomplete or does not fit fails at load time, saying where and why")
class ModelLoadErrorsTest {
  @TempDir
  Path temp;

  private Path brokenDecoder() {
    return Fixtures.copy(Fixtures.decoder("distilgpt2-tiny"), temp.resolve("decoder"));
  }

  private static void assertLoadFails(Path dir, String... fragments) {
    var assertion = assertThatThrownBy(() -> TextGenerator.load(dir, ModelOptions.defaults()).close())
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining(dir.toAbsolutePath().normalize().toString());
    for (String fragment : fragments) {
      assertion.hasMessageContaining(fragment);
    }
  }

  @Test
  @DisplayName("not a directory")
  void notADirectory() {
    assertLoadFails(temp.resolve("nothing-here"), "not a directory");
  }

  @Test
  @DisplayName("config.json missing")
  void missingConfig() throws IOException {
    Path dir = brokenDecoder();
    Files.delete(dir.resolve("config.json"));
    assertLoadFails(dir, "config.json is missing");
  }

  @Test
  @DisplayName("tokenizer.json missing")
  void missingTokenizer() throws IOException {
    Path dir = brokenDecoder();
    Files.delete(dir.resolve("tokenizer.json"));
    assertLoadFails(dir, "tokenizer.json is missing");
  }

  @Test
  @DisplayName("no ONNX graph")
  void missingGraph() throws IOException {
    Path dir = brokenDecoder();
    Files.delete(dir.resolve("onnx/model.onnx"));
    assertLoadFails(dir, "no ONNX graph found", "model.onnx");
  }

  @Test
  @DisplayName("a requested variant that is not there")
  void missingVariant() {
    Path dir = brokenDecoder();
    assertThatThrownBy(() -> TextGenerator.load(dir, new ModelOptions(null, "int4", 1, true, SessionTuning.DEFAULT)))
        .isInstanceOf(ModelLoadException.class).hasMessageContaining("model_int4.onnx");
  }

  @Test
  @DisplayName("a graph with unexpected inputs (a classifier where a decoder should be)")
  void unexpectedInputs() throws IOException {
    Path dir = brokenDecoder();
    Files.copy(Fixtures.CLASSIFIER.resolve("onnx/model.onnx"), dir.resolve("onnx/model.onnx"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertLoadFails(dir, "unexpected input 'token_type_ids'");
  }

  @Test
  @DisplayName("a tokenizer vocabulary larger than the model's")
  void tokenizerLargerThanModel() throws IOException {
    Path dir = brokenDecoder();
    Path config = dir.resolve("config.json");
    for (Path file : List.of(config, dir.resolve("generation_config.json"))) {
      Files.writeString(file, Files.readString(file).replaceAll("\"vocab_size\": *\\d+", "\"vocab_size\": 1000")
          .replaceAll("\"(bos|eos)_token_id\": *\\d+", "\"$1_token_id\": 999"));
    }
    assertLoadFails(dir, "tokenizer.json has", "vocab_size is 1000");
  }

  @Test
  @DisplayName("config.json layers that disagree with the graph")
  void layerMismatch() throws IOException {
    Path dir = brokenDecoder();
    Path config = dir.resolve("config.json");
    Files.writeString(config, Files.readString(config).replaceAll("\"n_layer\": *\\d+", "\"n_layer\": 7"));
    assertLoadFails(dir, "config.json says 7");
  }

  @Test
  @DisplayName("config.json that is not JSON")
  void brokenConfig() throws IOException {
    Path dir = brokenDecoder();
    Files.writeString(dir.resolve("config.json"), "{ not json");
    assertLoadFails(dir, "config.json is not a readable JSON object");
  }

  @Test
  @DisplayName("a classifier whose labels disagree with its logits")
  void classifierLabelMismatch() throws IOException {
    Path dir = Fixtures.copy(Fixtures.CLASSIFIER, temp.resolve("classifier"));
    Path config = dir.resolve("config.json");
    String json = Files.readString(config).replaceAll("\"id2label\": *\\{[^}]*\\}",
        "\"id2label\": {\"0\": \"A\", \"1\": \"B\", \"2\": \"C\"}");
    Files.writeString(config, json);
    assertThatThrownBy(() -> TextClassifier.load(dir, ModelOptions.defaults()).close())
        .isInstanceOf(ModelLoadException.class).hasMessageContaining("3 labels");
  }
}
