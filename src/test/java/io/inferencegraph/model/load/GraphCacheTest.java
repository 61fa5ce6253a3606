package io.inferencegraph.model.load;

import ai.onnxruntime.OrtSession;
import com.google.gson.JsonObject;
import io.inferencegraph.model.Decoding;
import io.inferencegraph.model.Fixtures;
import io.inferencegraph.model.classify.Classification;
import io.inferencegraph.model.classify.TextClassifier;
import io.inferencegraph.model.generate.Generation;
import io.inferencegraph.model.generate.TextGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@DisplayName("The cached optimised graph answers as the original does and is rewritten when it is stale or broken")
class GraphCacheTest {
  private static final String VERSION = OnnxSessions.environment().getVersion();

  @TempDir
  Path temp;

  @Test
  @DisplayName("a decoder loaded from its cached graph still gives the reference's greedy tokens")
  void cachedDecoderMatchesReference() {
    Path model = Fixtures.copy(Fixtures.decoder("gpt2-tiny"), temp.resolve("gpt2-tiny"));
    Path graph = model.resolve("onnx/model.onnx");
    assertThat(sourceOf(model, graph, VERSION)).isEqualTo(OnnxSessions.Source.WRITTEN);
    assertThat(GraphCache.location(graph, VERSION).orElseThrow()).isRegularFile();
    assertThat(sourceOf(model, graph, VERSION)).isEqualTo(OnnxSessions.Source.CACHED);
    assertGreedyAsReference(model, "onnx/model.onnx");
  }

  @Test
  @DisplayName("a classifier loaded from its cached graph keeps the reference's probabilities within 1e-5")
  void cachedClassifierMatchesReference() {
    Path model = Fixtures.copy(Fixtures.CLASSIFIER, temp.resolve("classifier"));
    assertThat(sourceOf(model, model.resolve("onnx/model.onnx"), VERSION)).isEqualTo(OnnxSessions.Source.WRITTEN);
    List<JsonObject> references = new ArrayList<>();
    Fixtures.reference(model).getAsJsonArray("texts").forEach(e -> references.add(e.getAsJsonObject()));
    try (TextClassifier classifier = TextClassifier.load(model, ModelOptions.defaults())) {
      List<Classification> results = classifier.classify(references.stream().map(r -> r.get("text").getAsString()).toList());
      for (int i = 0; i < references.size(); i++) {
        List<Double> expected = Fixtures.doubles(references.get(i).getAsJsonArray("probabilities"));
        List<Double> actual = new ArrayList<>(results.get(i).scores().values());
        for (int label = 0; label < expected.size(); label++) {
          assertThat(actual.get(label)).isCloseTo(expected.get(label), within(1e-5));
        }
      }
    }
  }

  @Test
  @DisplayName("another runtime version or a changed graph file gets a new cached copy, and the stale one goes")
  void invalidatedByVersionAndChange() throws IOException {
    Path model = Fixtures.copy(Fixtures.decoder("gpt2-tiny"), temp.resolve("gpt2-tiny"));
    Path graph = model.resolve("onnx/model.onnx");
    Path first = GraphCache.location(graph, VERSION).orElseThrow();
    assertThat(sourceOf(model, graph, VERSION)).isEqualTo(OnnxSessions.Source.WRITTEN);

    Path otherRuntime = GraphCache.location(graph, VERSION + "-other").orElseThrow();
    assertThat(otherRuntime).isNotEqualTo(first);
    assertThat(sourceOf(model, graph, VERSION + "-other")).isEqualTo(OnnxSessions.Source.WRITTEN);
    assertThat(first).doesNotExist();

    Files.setLastModifiedTime(graph, FileTime.fromMillis(Files.getLastModifiedTime(graph).toMillis() + 60_000));
    assertThat(GraphCache.location(graph, VERSION + "-other").orElseThrow()).isNotEqualTo(otherRuntime);
    assertThat(sourceOf(model, graph, VERSION + "-other")).isEqualTo(OnnxSessions.Source.WRITTEN);
    assertThat(otherRuntime).doesNotExist();
    assertThat(GraphCache.data(otherRuntime)).doesNotExist();
    Path current = GraphCache.location(graph, VERSION + "-other").orElseThrow();
    assertThat(cachedFiles(graph)).containsExactlyInAnyOrder(current, GraphCache.data(current));
  }

  @Test
  @DisplayName("a corrupt or truncated cached copy is ignored, the original loads, and the copy is written again")
  void corruptCopyRewritten() throws IOException {
    Path model = Fixtures.copy(Fixtures.decoder("gpt2-tiny"), temp.resolve("gpt2-tiny"));
    Path graph = model.resolve("onnx/model.onnx");
    Path cached = GraphCache.location(graph, VERSION).orElseThrow();
    assertThat(sourceOf(model, graph, VERSION)).isEqualTo(OnnxSessions.Source.WRITTEN);
    byte[] good = Files.readAllBytes(cached);

    Files.write(cached, "not a graph".getBytes());
    assertThat(sourceOf(model, graph, VERSION)).isEqualTo(OnnxSessions.Source.WRITTEN);
    assertThat(sourceOf(model, graph, VERSION)).isEqualTo(OnnxSessions.Source.CACHED);

    Files.write(cached, java.util.Arrays.copyOf(good, good.length / 2));
    assertThat(sourceOf(model, graph, VERSION)).isEqualTo(OnnxSessions.Source.WRITTEN);
    assertThat(sourceOf(model, graph, VERSION)).isEqualTo(OnnxSessions.Source.CACHED);

    // the weights' file cut short: ONNX Runtime refuses it rather than reading past its end
    Path data = GraphCache.data(cached);
    byte[] weights = Files.readAllBytes(data);
    Files.write(data, java.util.Arrays.copyOf(weights, weights.length / 2));
    assertThat(sourceOf(model, graph, VERSION)).isEqualTo(OnnxSessions.Source.WRITTEN);
    assertThat(data).hasSize(weights.length);
    Files.delete(data);
    assertThat(sourceOf(model, graph, VERSION)).isEqualTo(OnnxSessions.Source.WRITTEN);
    assertThat(sourceOf(model, graph, VERSION)).isEqualTo(OnnxSessions.Source.CACHED);
    assertThat(cachedFiles(graph)).containsExactlyInAnyOrder(cached, data);
  }

  @Test
  @DisplayName("the copy's data holds the weights and their pre-packed copies; the key names the CPU, and nothing is left staged")
  void prepackedBesideTheWeights() throws IOException {
    Path model = Fixtures.copy(Fixtures.decoder("gpt2-tiny"), temp.resolve("gpt2-tiny"));
    Path graph = model.resolve("onnx/model.onnx");
    Path cached = GraphCache.location(graph, VERSION).orElseThrow();
    assertThat(cached.getFileName().toString()).matches("model-[0-9a-f]{16}\\.onnx");
    assertThat(sourceOf(model, graph, VERSION)).isEqualTo(OnnxSessions.Source.WRITTEN);
    assertThat(Files.size(GraphCache.data(cached))).as("weights + pre-packed copies").isGreaterThan(Files.size(graph));
    assertThat(Files.size(cached)).as("the graph alone").isLessThan(Files.size(graph) / 2);
    assertThat(cachedFiles(graph)).containsExactlyInAnyOrder(cached, GraphCache.data(cached));
    assertThat(GraphCache.CPU).isEqualTo(GraphCache.cpuIdentity()).isNotBlank();
  }

  @Test
  @DisplayName("a graph whose weights are in model.onnx_data is cached, answers as the reference, and a changed data file gets a new copy")
  void externalDataCached() throws IOException, ai.onnxruntime.OrtException {
    Path model = Fixtures.copy(Fixtures.decoder("gpt2-tiny"), temp.resolve("gpt2-tiny"));
    Path graph = model.resolve("onnx/model.onnx");
    Path weights = withExternalData(graph, "model.onnx_data");
    assertThat(Files.size(graph)).as("the graph alone").isLessThan(Files.size(weights));
    assertThat(GraphCache.externalData(graph)).containsExactly(weights);

    Path cached = GraphCache.location(graph, VERSION).orElseThrow();
    assertThat(sourceOf(model, graph, VERSION)).isEqualTo(OnnxSessions.Source.WRITTEN);
    assertThat(sourceOf(model, graph, VERSION)).isEqualTo(OnnxSessions.Source.CACHED);
    assertGreedyAsReference(model, "onnx/model.onnx");

    Files.setLastModifiedTime(weights, FileTime.fromMillis(Files.getLastModifiedTime(weights).toMillis() + 60_000));
    Path changed = GraphCache.location(graph, VERSION).orElseThrow();
    assertThat(changed).isNotEqualTo(cached);
    assertThat(sourceOf(model, graph, VERSION)).isEqualTo(OnnxSessions.Source.WRITTEN);
    assertThat(cachedFiles(graph)).containsExactlyInAnyOrder(changed, GraphCache.data(changed));
  }

  @Test
  @DisplayName("a merged decoder (If subgraphs), whose ONNX copy ONNX Runtime cannot read back, is cached in the ORT format and still gives the reference's tokens")
  void mergedDecoderCachedInOrtFormat() throws IOException {
    Path model = Fixtures.copy(Fixtures.decoder("gpt2-tiny-legacy"), temp.resolve("legacy"));
    Path graph = model.resolve("onnx/decoder_model_merged.onnx");
    Path cached = GraphCache.location(graph, VERSION).orElseThrow();
    Path ort = GraphCache.ortFormat(cached);
    assertThat(ort.getFileName().toString()).matches("decoder_model_merged-[0-9a-f]{16}\\.ort");
    assertThat(sourceOf(model, graph, VERSION)).isEqualTo(OnnxSessions.Source.WRITTEN);
    assertThat(cachedFiles(graph)).containsExactly(ort);
    assertThat(sourceOf(model, graph, VERSION)).isEqualTo(OnnxSessions.Source.CACHED);
    assertThat(cachedFiles(graph)).containsExactly(ort);
    assertGreedyAsReference(model, "onnx/decoder_model_merged.onnx");

    Files.write(ort, "not a graph".getBytes());
    assertThat(sourceOf(model, graph, VERSION)).isEqualTo(OnnxSessions.Source.WRITTEN);
    assertThat(sourceOf(model, graph, VERSION)).isEqualTo(OnnxSessions.Source.CACHED);
  }

  @Test
  @DisplayName("a graph that cannot be read has no cache location")
  void unreadableGraphNotCached() {
    assertThat(GraphCache.location(temp.resolve("missing.onnx"), VERSION)).isEmpty();
    assertThat(GraphCache.externalData(temp.resolve("missing.onnx"))).isEmpty();
  }

  /** Rewrites {@code graph} as ONNX Runtime saves it with its weights in the file {@code dataName} beside it. */
  private static Path withExternalData(Path graph, String dataName) throws IOException, ai.onnxruntime.OrtException {
    Path original = graph.resolveSibling("original.onnx");
    Files.move(graph, original);
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
      options.setOptimizedModelFilePath(graph.toString());
      options.addConfigEntry("session.optimized_model_external_initializers_file_name", dataName);
      options.addConfigEntry("session.optimized_model_external_initializers_min_size_in_bytes", "1024");
      OnnxSessions.environment().createSession(original.toString(), options).close();
    }
    Files.delete(original);
    return graph.resolveSibling(dataName);
  }

  /** Loads {@code onnxFile} of {@code model} as the service does and checks every reference prompt's greedy tokens. */
  private static void assertGreedyAsReference(Path model, String onnxFile) {
    ModelOptions options = new ModelOptions(onnxFile, null, 1, true, SessionTuning.DEFAULT);
    try (TextGenerator generator = TextGenerator.load(model, options)) {
      for (Fixtures.Prompt prompt : Fixtures.prompts(model)) {
        Generation generation = Decoding.generate(generator, List.of(prompt.text()),
            Fixtures.greedy(Fixtures.referenceMaxNewTokens(model))).get(0).get(0);
        assertThat(generation.tokenIds()).as(prompt.text()).isEqualTo(prompt.outputIds());
      }
    }
  }

  private static OnnxSessions.Source sourceOf(Path model, Path graph, String version) {
    OnnxSessions.Opened opened = OnnxSessions.open(new ModelDirectory(model), graph, ModelOptions.defaults(), version);
    try (OrtSession session = opened.session()) {
      assertThat(session.getInputNames()).contains("input_ids");
      return opened.source();
    } catch (ai.onnxruntime.OrtException e) {
      throw new AssertionError(e);
    }
  }

  private static List<Path> cachedFiles(Path graph) throws IOException {
    try (Stream<Path> files = Files.list(graph.getParent().resolve(GraphCache.DIRECTORY))) {
      return files.toList();
    }
  }
}
