package io.inferencegraph.config;

import io.inferencegraph.hub.RepoRef;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("A model's path is a local directory or an hf:// repository resolved at start-up")
class ModelSourceTest {

  private static GraphConfig parse(Path file, Map<String, String> env) {
    return ConfigLoader.parse(ConfigLoader.load(file, env, new Properties()));
  }

  @Test
  @DisplayName("conf/hub.json names three GPT-2-family Hub repos and an SST-2 classifier, all on revision main")
  void hubConfig() {
    GraphConfig config = parse(Path.of("conf/hub.json"), Map.of());
    assertThat(config.models()).extracting(ModelConfig::source).allSatisfy(source ->
        assertThat(source).isInstanceOf(ModelSource.Hub.class));
    assertThat(config.models()).extracting(m -> ((ModelSource.Hub) m.source()).ref()).containsExactly(
        new RepoRef("onnx-community/gpt2-ONNX", "main"), new RepoRef("onnx-community/distilgpt2-ONNX", "main"),
        new RepoRef("onnx-community/gpt2-medium-ONNX", "main"),
        new RepoRef("Xenova/distilbert-base-uncased-finetuned-sst-2-english", "main"));
    assertThat(config.classifiers()).extracting(ModelConfig::kind).containsExactly(ModelConfig.Kind.CLASSIFIER);
    assertThat(config.models()).as("the reference set runs fp32 whatever a repo's config.json names")
        .extracting(ModelConfig::variant).containsOnly("fp32");
    GraphConfig int8 = parse(Path.of("conf/hub-int8.json"), Map.of());
    assertThat(int8.models()).extracting(m -> ((ModelSource.Hub) m.source()).ref())
        .isEqualTo(config.models().stream().map(m -> ((ModelSource.Hub) m.source()).ref()).toList());
    assertThat(int8.models()).extracting(ModelConfig::variant).containsOnly("quantized");
  }

  @Test
  @DisplayName("an unresolved Hub source refuses to be loaded, naming the repository")
  void unresolved() {
    GraphConfig config = parse(Path.of("conf/hub.json"), Map.of());
    assertThatThrownBy(() -> config.generators().get(0).path())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("hf://onnx-community/gpt2-ONNX");
    Path snapshot = Path.of("/cache/models--onnx-community--gpt2-ONNX/snapshots/abc");
    GraphConfig resolved = config.withModels(m -> m.source() instanceof ModelSource.Hub hub
        ? m.withSource(hub.resolvedTo(snapshot)) : m);
    assertThat(resolved.generators().get(0).path()).isEqualTo(snapshot);
    assertThat(resolved.generators().get(0).source()).hasToString("hf://onnx-community/gpt2-ONNX");
  }

  @Test
  @DisplayName("a revision after @ is kept; a local path resolves against models_dir")
  void revisionsAndLocalPaths() {
    GraphConfig config = parse(Path.of("conf/config.json"), Map.of("GRAPH_MODELS_DIR", "/srv/models"));
    assertThat(config.generators().get(0).path()).isEqualTo(Path.of("/srv/models/gpt2-tiny"));
    assertThat(ModelSource.parse("k", "hf://Xenova/gpt2@v1.0", Path.of("models")))
        .isEqualTo(new ModelSource.Hub(new RepoRef("Xenova/gpt2", "v1.0"), null));
  }

  @Test
  @DisplayName("the old form's generators beside models stops start-up naming the key")
  void generatorsNotAList() {
    assertThatThrownBy(() -> parse(Path.of("conf/config.json"), Map.of("GRAPH_GENERATORS", "gpt2")))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("config generators:");
  }

  @Test
  @DisplayName("a malformed hf:// path stops start-up naming the key")
  void malformed() {
    assertThatThrownBy(() -> ModelSource.parse("generators[1].path", "hf://just-a-name", Path.of("models")))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("config generators[1].path:")
        .hasMessageContaining("ORG/NAME");
  }
}
