package io.inferencegraph.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferencegraph.hub.RepoRef;
import io.inferencegraph.model.batch.BatchLimits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The sizing facts of a model come from its files: graph bytes, config.json's dimensions, the task")
class ModelFactsTest {
  private static final BatchLimits BATCHING = new BatchLimits(5, 10, 8, 0);

  private static ModelConfig model(ModelConfig.Kind kind, ModelSource source, String variant, String onnxFile) {
    return new ModelConfig("m", kind, source, 3, 2, variant, onnxFile, BATCHING);
  }

  private static Path write(Path file, int bytes) throws Exception {
    Files.createDirectories(file.getParent());
    return Files.write(file, new byte[bytes]);
  }

  /** A decoder's directory: a 1000-byte graph with 5000 bytes of external data, and an int8 variant beside. */
  private static Path decoder(Path dir, JsonObject config) throws Exception {
    write(dir.resolve("onnx/model.onnx"), 1000);
    write(dir.resolve("onnx/model.onnx_data"), 5000);
    write(dir.resolve("onnx/model_int8.onnx"), 77);
    if (config != null) {
      Files.writeString(dir.resolve("config.json"), config.encode());
    }
    return dir;
  }

  @Test
  @DisplayName("a decoder: its graph and external data, GPT-2's names, K and V per layer at the token limit")
  void decoder(@TempDir Path dir) throws Exception {
    decoder(dir, new JsonObject().put("n_layer", 2).put("n_embd", 8).put("vocab_size", 100).put("n_positions", 16));
    Sizing.Facts facts = ModelFacts.of(model(ModelConfig.Kind.GENERATOR, new ModelSource.Local(dir), null, null), 7,
        40);
    // 12 * 2 * 8^2 + (100 + 16) * 8; 2 (K, V) * 2 layers * 8 floats * 4 bytes * 10 tokens; a step reads a token
    // on each of the batch's 5 rows
    assertThat(facts).isEqualTo(new Sizing.Facts("m", 6000, 2464, 2, 1280, 7, 3, 2, 1, 5));
    Sizing.Facts int8 = ModelFacts.of(model(ModelConfig.Kind.GENERATOR, new ModelSource.Local(dir), "int8", null), 7,
        40);
    assertThat(int8.bytes()).isEqualTo(77);
    Sizing.Facts explicit = ModelFacts.of(model(ModelConfig.Kind.GENERATOR, new ModelSource.Local(dir), null,
        "onnx/model_int8.onnx"), 7, 40);
    assertThat(explicit.bytes()).isEqualTo(77);
    Sizing.Facts missing = ModelFacts.of(model(ModelConfig.Kind.GENERATOR, new ModelSource.Local(dir), null,
        "onnx/none.onnx"), 7, 40);
    assertThat(missing.bytes()).isZero();
    assertThat(missing.layers()).isEqualTo(2);
  }

  @Test
  @DisplayName("a generator finds a merged decoder where there is no model.onnx; a classifier looks for model.onnx only")
  void graphFileByKind(@TempDir Path dir) throws Exception {
    write(dir.resolve("onnx/decoder_model_merged.onnx"), 2000);
    assertThat(ModelFacts.of(model(ModelConfig.Kind.GENERATOR, new ModelSource.Local(dir), null, null), 1, 40).bytes())
        .isEqualTo(2000);
    assertThat(ModelFacts.of(model(ModelConfig.Kind.CLASSIFIER, new ModelSource.Local(dir), null, null), 1, 40).bytes())
        .as("loading will say what is missing").isZero();
  }

  @Test
  @DisplayName("a classifier: BERT's names, activations of its batch at 512 positions per layer")
  void classifier(@TempDir Path dir) throws Exception {
    write(dir.resolve("model.onnx"), 400);
    Files.writeString(dir.resolve("config.json"), new JsonObject().put("num_hidden_layers", 3).put("hidden_size", 4)
        .put("vocab_size", 10).put("max_position_embeddings", 6).encode());
    Sizing.Facts facts = ModelFacts.of(model(ModelConfig.Kind.CLASSIFIER, new ModelSource.Local(dir), null, null), 3,
        40);
    // 12 * 3 * 4^2 + (10 + 6) * 4; 5 rows * 512 positions * 4 floats * 4 bytes * 3 layers; a text of 40
    // tokens is cut to its 6 positions, one row a forward
    assertThat(facts).isEqualTo(new Sizing.Facts("m", 400, 640, 3, 122_880, 3, 3, 2, 6, 1));
  }

  @Test
  @DisplayName("without usable dimensions, parameters are the bytes / 4; a classifier counts at least one layer")
  void withoutDimensions(@TempDir Path dir) throws Exception {
    decoder(dir, null);
    Sizing.Facts none = ModelFacts.of(model(ModelConfig.Kind.GENERATOR, new ModelSource.Local(dir), null, null), 1,
        40);
    assertThat(none).isEqualTo(new Sizing.Facts("m", 6000, 1500, 0, 0, 1, 3, 2, 1, 5));
    Files.writeString(dir.resolve("config.json"), "{not json");
    assertThat(ModelFacts.of(model(ModelConfig.Kind.GENERATOR, new ModelSource.Local(dir), null, null), 1, 40))
        .isEqualTo(none);
    Files.writeString(dir.resolve("config.json"), new JsonObject().put("n_layer", "2").put("n_embd", 8).encode());
    Sizing.Facts noLayers = ModelFacts.of(model(ModelConfig.Kind.CLASSIFIER, new ModelSource.Local(dir), null, null),
        1, 40);
    assertThat(noLayers.parameters()).isEqualTo(1500);
    assertThat(noLayers.layers()).isZero();
    assertThat(noLayers.instanceBytes()).isEqualTo(5L * 512 * 8 * 4);
    assertThat(noLayers.tokensPerForward()).as("no positions known: the whole text").isEqualTo(40);
    assertThat(noLayers.rowsPerForward()).isEqualTo(1);
    Files.writeString(dir.resolve("config.json"), new JsonObject().put("n_layer", 2).encode());
    assertThat(ModelFacts.of(model(ModelConfig.Kind.GENERATOR, new ModelSource.Local(dir), null, null), 1, 40)
        .parameters()).isEqualTo(1500);
  }

  @Test
  @DisplayName("a model whose files are not here, or an unresolved Hub repository, counts as small and unknown")
  void absent(@TempDir Path dir) throws Exception {
    Sizing.Facts unknown = new Sizing.Facts("m", 0, 0, 0, 0, 4, 3, 2, 1, 5);
    assertThat(ModelFacts.of(model(ModelConfig.Kind.GENERATOR, new ModelSource.Local(dir.resolve("gone")), null,
        null), 4, 40)).isEqualTo(unknown);
    ModelSource.Hub hub = new ModelSource.Hub(new RepoRef("org/name", "main"), null);
    assertThat(ModelFacts.of(model(ModelConfig.Kind.GENERATOR, hub, null, null), 4, 40)).isEqualTo(unknown);
    assertThat(ModelFacts.of(model(ModelConfig.Kind.CLASSIFIER, hub, null, null), 4, 40))
        .isEqualTo(new Sizing.Facts("m", 0, 0, 0, 0, 4, 3, 2, 40, 1));
    decoder(dir, new JsonObject().put("n_layer", 2));
    assertThat(ModelFacts.of(model(ModelConfig.Kind.GENERATOR, hub.resolvedTo(dir), null, null), 4, 40).bytes())
        .isEqualTo(6000);
  }

  @Test
  @DisplayName("an unset task comes from config.json's architectures; else start-up fails naming the key")
  void tasks(@TempDir Path dir) throws Exception {
    assertThat(task(dir, "GPT2LMHeadModel")).isEqualTo(Tasks.GENERATION);
    assertThat(task(dir, "LlamaForCausalLM")).isEqualTo(Tasks.GENERATION);
    assertThat(task(dir, "BertForSequenceClassification")).isEqualTo(Tasks.CLASSIFICATION);
    String unsaid = "config models.m.task: is not set and " + dir + "/config.json does not say (architectures "
        + "*ForCausalLM / *LMHeadModel or *ForSequenceClassification); set text-generation or text-classification";
    assertThatThrownBy(() -> task(dir, "BertModel")).isInstanceOf(ConfigException.class).hasMessage(unsaid);
    Files.delete(dir.resolve("config.json"));
    assertThatThrownBy(() -> Tasks.of("models.m.task", null, new ModelSource.Local(dir))).hasMessage(unsaid);
    Files.writeString(dir.resolve("config.json"), "{}");
    assertThatThrownBy(() -> Tasks.of("models.m.task", null, new ModelSource.Local(dir))).hasMessage(unsaid);
    Files.writeString(dir.resolve("config.json"), new JsonObject().put("architectures", new JsonArray()).encode());
    assertThatThrownBy(() -> Tasks.of("models.m.task", null, new ModelSource.Local(dir))).hasMessage(unsaid);
    ModelSource.Hub hub = new ModelSource.Hub(new RepoRef("org/name", "main"), null);
    assertThatThrownBy(() -> Tasks.of("models.m.task", null, hub)).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("config models.m.task: is not set and hf://org/name");
    assertThat(Tasks.of("k", "text-classification", hub)).isEqualTo(Tasks.CLASSIFICATION);
    assertThat(Tasks.of("k", "text-generation", hub)).isEqualTo(Tasks.GENERATION);
    assertThatThrownBy(() -> Tasks.of("models.m.task", "summarization", hub)).isInstanceOf(ConfigException.class)
        .hasMessage("config models.m.task: must be text-generation or text-classification, got summarization");
  }

  private static String task(Path dir, String architecture) throws Exception {
    Files.writeString(dir.resolve("config.json"), new JsonObject()
        .put("architectures", new JsonArray().add(architecture)).encode());
    return Tasks.of("models.m.task", null, new ModelSource.Local(dir));
  }
}
