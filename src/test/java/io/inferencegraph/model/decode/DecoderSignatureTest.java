package io.inferencegraph.model.decode;

import ai.onnxruntime.OnnxJavaType;
import io.inferencegraph.model.Fixtures;
import io.inferencegraph.model.load.DecoderConfig;
import io.inferencegraph.model.load.ModelDirectory;
import io.inferencegraph.model.load.ModelLoadException;
import io.inferencegraph.model.load.ModelOptions;
import io.inferencegraph.model.load.SessionTuning;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import static io.inferencegraph.model.decode.OnnxGraphWriter.BOOL;
import static io.inferencegraph.model.decode.OnnxGraphWriter.FLOAT;
import static io.inferencegraph.model.decode.OnnxGraphWriter.FLOAT16;
import static io.inferencegraph.model.decode.OnnxGraphWriter.INT32;
import static io.inferencegraph.model.decode.OnnxGraphWriter.INT64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("A decoder graph's inputs and outputs say how to drive it, and a graph that does not fit fails at load with a clear message")
class DecoderSignatureTest {
  private static final DecoderConfig GPT2_TINY = DecoderConfig.read(new ModelDirectory(Fixtures.decoder("gpt2-tiny")));

  @TempDir
  Path temp;

  @ParameterizedTest(name = "{0}/{1}")
  @CsvSource({
      "gpt2-tiny,        onnx/model.onnx,                  WITH_PAST, true,  3, 4, 16, FLOAT",
      "gpt2-tiny,        onnx/decoder_model_merged.onnx,   MERGED,    true,  3, 4, 16, FLOAT",
      "gpt2-tiny,        onnx/model_fp16.onnx,             WITH_PAST, true,  3, 4, 16, FLOAT16",
      "gpt2-tiny-legacy, onnx/decoder_model_merged.onnx,   MERGED,    false, 3, 4, 16, FLOAT",
      "gpt2-tiny-legacy, onnx/decoder_with_past_model.onnx, WITH_PAST, false, 3, 4, 16, FLOAT",
      "gpt2-tiny-legacy, onnx/decoder_model.onnx,          NO_PAST,   false, 3, 4, 16, FLOAT",
      "distilgpt2-tiny,  onnx/model.onnx,                  WITH_PAST, true,  2, 4, 16, FLOAT",
      "gpt2-medium-tiny, onnx/model.onnx,                  WITH_PAST, true,  4, 6, 16, FLOAT"})
  @DisplayName("each export layout: kind, position_ids, one past input and present output per layer's key and value, head shape, element type")
  void exportLayouts(String model, String file, DecoderGraph.Kind kind, boolean positionIds, int layers, int heads,
      int headDim, OnnxJavaType type) throws Exception {
    ModelDirectory dir = new ModelDirectory(Fixtures.decoder(model));
    try (DecoderGraph graph = DecoderGraph.open(dir, DecoderConfig.read(dir), new ModelOptions(file, null, 1, true, SessionTuning.DEFAULT))) {
      assertThat(graph.kind()).isEqualTo(kind);
      assertThat(graph.signature.hasPositionIds).isEqualTo(positionIds);
      assertThat(graph.positionsFromPast()).isEqualTo(!positionIds);
      List<String> presents = kvNames("present", layers);
      assertThat(graph.signature.presentNames).isEqualTo(presents);
      assertThat(graph.signature.pastNames).isEqualTo(kind == DecoderGraph.Kind.NO_PAST ? List.of() : kvNames("past_key_values", layers));
      assertThat(graph.signature.pastHeads).containsOnly(heads).hasSize(2 * layers);
      assertThat(graph.signature.pastHeadDims).containsOnly(headDim).hasSize(2 * layers);
      assertThat(graph.signature.pastType).isEqualTo(type);
      assertThat(graph.signature.vocab).isEqualTo(1007);
      long perToken = kind == DecoderGraph.Kind.NO_PAST ? 0 : 2L * layers * heads * headDim * type.size;
      assertThat(graph.kvBytesPerToken(true)).isEqualTo(perToken);
      assertThat(graph.kvBytesPerToken(false)).isZero();
    }
  }

  @Test
  @DisplayName("the head count and size come from the graph's present shapes when it fixes them, not from config.json")
  void headShapeFromTheGraph() throws Exception {
    // config.json claiming 2 heads of 32 where the graph has 4 of 16: the graph is what runs
    DecoderConfig twoHeads = shape(GPT2_TINY, 3, 2, 64, 1007);
    try (DecoderGraph graph = open(Fixtures.decoder("gpt2-tiny"), "onnx/model.onnx", twoHeads)) {
      assertThat(graph.signature.pastHeads).containsOnly(4);
      assertThat(graph.signature.pastHeadDims).containsOnly(16);
    }
  }

  @Test
  @DisplayName("a graph lacking attention_mask is refused, naming the input and the inputs it has")
  void missingInput() {
    new OnnxGraphWriter().input("input_ids", INT64, "batch", "sequence").output("logits", FLOAT, "batch", "sequence", 1007L)
        .write(temp.resolve("onnx/model.onnx"));
    assertLoadFails(temp, GPT2_TINY, "onnx/model.onnx has no input 'attention_mask'; inputs are [input_ids]");
  }

  @Test
  @DisplayName("a graph lacking input_ids is refused, naming the input")
  void missingInputIds() {
    new OnnxGraphWriter().input("attention_mask", INT64, "batch", "total").output("logits", FLOAT, "batch", "sequence", 1007L)
        .write(temp.resolve("onnx/model.onnx"));
    assertLoadFails(temp, GPT2_TINY, "onnx/model.onnx has no input 'input_ids'; inputs are [attention_mask]");
  }

  @Test
  @DisplayName("a graph without a logits output is refused, naming the outputs it has")
  void missingLogits() {
    new OnnxGraphWriter().tokenInputs().output("last_hidden_state", FLOAT, "batch", "sequence", 64L)
        .write(temp.resolve("onnx/model.onnx"));
    assertLoadFails(temp, GPT2_TINY, "onnx/model.onnx has no output 'logits'; outputs are [last_hidden_state]");
  }

  @Test
  @DisplayName("a classifier's extra token_type_ids input is refused for a GPT-2-style decoder")
  void unexpectedInput() {
    Path bert = Fixtures.copy(Fixtures.CLASSIFIER, temp.resolve("bert"));
    assertLoadFails(bert, GPT2_TINY, "onnx/model.onnx has an unexpected input 'token_type_ids' for a GPT-2-style decoder");
  }

  @Test
  @DisplayName("past inputs without the matching present output are refused")
  void pastWithoutPresent() {
    new OnnxGraphWriter().tokenInputs()
        .input("past_key_values.0.key", FLOAT, "batch", 4L, "past", 16L)
        .input("past_key_values.0.value", FLOAT, "batch", 4L, "past", 16L)
        .output("logits", FLOAT, "batch", "sequence", 1007L)
        .output("present.0.key", FLOAT, "batch", 4L, "total", 16L)
        .write(temp.resolve("onnx/model.onnx"));
    assertLoadFails(temp, shape(GPT2_TINY, 1, 4, 64, 1007), "onnx/model.onnx has past inputs but no output 'present.0.value'");
  }

  @Test
  @DisplayName("logits in int32 are refused: only float32 and float16 decoders run")
  void integerLogits() {
    new OnnxGraphWriter().tokenInputs().output("logits", INT32, "batch", "sequence", 1007L)
        .write(temp.resolve("onnx/model.onnx"));
    assertLoadFails(temp, GPT2_TINY, "onnx/model.onnx: 'logits' is INT32; only float32 and float16 decoders are supported");
  }

  @Test
  @DisplayName("a float16 past beside float32 presents is refused")
  void mixedKvTypes() {
    OnnxGraphWriter graph = new OnnxGraphWriter().tokenInputs().output("logits", FLOAT, "batch", "sequence", 1007L);
    for (String part : List.of("key", "value")) {
      graph.input("past_key_values.0." + part, FLOAT16, "batch", 4L, "past", 16L)
          .output("present.0." + part, FLOAT, "batch", 4L, "total", 16L);
    }
    graph.write(temp.resolve("onnx/model.onnx"));
    assertLoadFails(temp, shape(GPT2_TINY, 1, 4, 64, 1007),
        "onnx/model.onnx: input 'past_key_values.0.key' is not FLOAT like its present outputs");
  }

  @Test
  @DisplayName("a merged graph is told by its use_cache_branch input; presents alone make a graph without past")
  void mergedAndNoPastBySignature() throws Exception {
    OnnxGraphWriter merged = new OnnxGraphWriter().tokenInputs().input("use_cache_branch", BOOL, 1L)
        .output("logits", FLOAT16, "batch", "sequence", 1007L);
    OnnxGraphWriter noPast = new OnnxGraphWriter().tokenInputs().output("logits", FLOAT, "batch", "sequence", 1007L);
    for (String part : List.of("key", "value")) {
      merged.input("past_key_values.0." + part, FLOAT, "batch", 4L, "past", 16L)
          .output("present.0." + part, FLOAT, "batch", 4L, "total", 16L);
      noPast.output("present.0." + part, FLOAT, "batch", 4L, "total", 16L);
    }
    merged.write(temp.resolve("onnx/merged.onnx"));
    noPast.write(temp.resolve("onnx/no_past.onnx"));
    DecoderConfig oneLayer = shape(GPT2_TINY, 1, 4, 64, 1007);
    try (DecoderGraph graph = open(temp, "onnx/merged.onnx", oneLayer)) {
      assertThat(graph.kind()).isEqualTo(DecoderGraph.Kind.MERGED);
    }
    try (DecoderGraph graph = open(temp, "onnx/no_past.onnx", oneLayer)) {
      assertThat(graph.kind()).isEqualTo(DecoderGraph.Kind.NO_PAST);
      assertThat(graph.signature.pastNames).isEmpty();
      assertThat(graph.signature.presentNames).containsExactly("present.0.key", "present.0.value");
    }
  }

  @Test
  @DisplayName("past inputs for more layers than config.json has are refused, with both counts")
  void layerCountMismatch() {
    assertLoadFails(Fixtures.decoder("gpt2-tiny"), shape(GPT2_TINY, 2, 4, 64, 1007),
        "onnx/model.onnx has past inputs for 3 layers but config.json says 2");
  }

  @Test
  @DisplayName("logits over another vocabulary than config.json's are refused")
  void vocabularyMismatch() {
    assertLoadFails(Fixtures.decoder("gpt2-tiny"), shape(GPT2_TINY, 3, 4, 64, 1000),
        "onnx/model.onnx has logits over 1007 tokens but config.json vocab_size is 1000");
  }

  private static List<String> kvNames(String prefix, int layers) {
    List<String> names = new java.util.ArrayList<>();
    for (int layer = 0; layer < layers; layer++) {
      names.add(prefix + "." + layer + ".key");
      names.add(prefix + "." + layer + ".value");
    }
    return names;
  }

  static DecoderConfig shape(DecoderConfig c, int layers, int heads, int hidden, int vocab) {
    return new DecoderConfig(c.modelType(), layers, heads, hidden, vocab, c.maxPositions(), c.bosTokenId(),
        c.eosTokenIds(), c.padTokenId(), c.defaults(), c.ignoredGenerationKeys());
  }

  private static DecoderGraph open(Path model, String file, DecoderConfig config) {
    return DecoderGraph.open(new ModelDirectory(model), config, new ModelOptions(file, null, 1, true, SessionTuning.DEFAULT));
  }

  /** The load fails with exactly this problem: a ModelLoadException of its own, not one wrapped in another. */
  private static void assertLoadFails(Path model, DecoderConfig config, String problem) {
    assertThatThrownBy(() -> open(model, "onnx/model.onnx", config).close())
        .isInstanceOf(ModelLoadException.class)
        .hasMessage("model directory " + new ModelDirectory(model).root() + ": " + problem)
        .hasNoCause();
  }
}
