package io.inferencegraph.model.decode;

import com.google.gson.JsonObject;
import io.inferencegraph.model.Fixtures;
import io.inferencegraph.model.load.DecoderConfig;
import io.inferencegraph.model.load.ModelDirectory;
import io.inferencegraph.model.load.ModelLoadException;
import io.inferencegraph.model.load.ModelOptions;
import io.inferencegraph.model.load.SessionTuning;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

@DisplayName("A decoder graph runs a step in every export layout, prefills a legacy pair through its companion and closes both")
class DecoderGraphTest {
  private static final Path LEGACY = Fixtures.decoder("gpt2-tiny-legacy");

  @TempDir
  Path temp;

  @ParameterizedTest(name = "{0}/{1}")
  @CsvSource({
      "gpt2-tiny,        onnx/model.onnx",
      "gpt2-tiny,        onnx/decoder_model_merged.onnx",
      "gpt2-tiny,        onnx/decoder_model.onnx",
      "gpt2-tiny-legacy, onnx/decoder_model_merged.onnx",
      "gpt2-tiny-legacy, onnx/decoder_with_past_model.onnx",
      "gpt2-tiny-legacy, onnx/decoder_model.onnx",
      "distilgpt2-tiny,  onnx/model.onnx",
      "gpt2-medium-tiny, onnx/model.onnx"})
  @DisplayName("the first step's last-position logits are torch's")
  void firstStepLogitsAreTorchs(String model, String file) throws Exception {
    Path dir = Fixtures.decoder(model);
    JsonObject reference = Fixtures.reference(dir);
    Fixtures.Prompt prompt = Fixtures.prompts(dir).get(reference.get("first_step_logits_prompt_index").getAsInt());
    List<Double> expected = Fixtures.doubles(reference.getAsJsonArray("first_step_logits"));
    try (DecoderGraph graph = open(dir, file)) {
      FloatBuffer logits = prefill(graph, prompt);
      assertThat(logits.limit()).isEqualTo(graph.signature.vocab);
      for (int i = 0; i < graph.signature.vocab; i++) {
        assertThat((double) logits.get(i)).as("logit %d", i).isCloseTo(expected.get(i), within(1e-3));
      }
    }
  }

  @Test
  @DisplayName("a legacy pair names its prefill companion and prefills with the same logits, bit for bit, as that graph alone")
  void pairPrefillIsTheCompanionsRun() throws Exception {
    Fixtures.Prompt prompt = Fixtures.prompts(LEGACY).get(2);
    Path alone = Fixtures.copy(LEGACY, temp.resolve("alone"));
    Files.delete(alone.resolve("onnx/decoder_model.onnx"));
    try (DecoderGraph pair = open(LEGACY, "onnx/decoder_with_past_model.onnx");
        DecoderGraph companion = open(LEGACY, "onnx/decoder_model.onnx");
        DecoderGraph withPast = open(alone, "onnx/decoder_with_past_model.onnx")) {
      assertThat(pair.files()).isEqualTo("decoder_with_past_model.onnx + decoder_model.onnx for prefill");
      assertThat(withPast.files()).as("no companion beside it").isEqualTo("decoder_with_past_model.onnx");
      assertThat(toArray(prefill(pair, prompt))).isEqualTo(toArray(prefill(companion, prompt)));
    }
  }

  @Test
  @DisplayName("closing a legacy pair closes both sessions: neither graph runs afterwards")
  void closeClosesThePrefillToo() throws Exception {
    Fixtures.Prompt prompt = Fixtures.prompts(LEGACY).get(0);
    DecoderGraph pair = open(LEGACY, "onnx/decoder_with_past_model.onnx");
    prefill(pair, prompt);
    pair.close();
    assertThatThrownBy(() -> pair.session.getInputInfo()).isInstanceOf(IllegalStateException.class);
    // a step over an empty past goes to the prefill graph, which must be closed as well
    assertThatThrownBy(() -> prefill(pair, prompt)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  @DisplayName("a with-past graph with position_ids may batch rows of any length, unless its prefill companion derives positions from the past")
  void positionsFromPastFollowTheCompanion() throws Exception {
    try (DecoderGraph graph = open(modernPair(temp.resolve("modern")), "onnx/decoder_with_past_model.onnx")) {
      assertThat(graph.files()).isEqualTo("decoder_with_past_model.onnx + decoder_model.onnx for prefill");
      assertThat(graph.positionsFromPast()).isFalse();
    }
    Path mixed = modernPair(temp.resolve("mixed"));
    Files.copy(LEGACY.resolve("onnx/decoder_model.onnx"), mixed.resolve("onnx/decoder_model.onnx"), REPLACE_EXISTING);
    try (DecoderGraph graph = open(mixed, "onnx/decoder_with_past_model.onnx")) {
      assertThat(graph.files()).isEqualTo("decoder_with_past_model.onnx + decoder_model.onnx for prefill");
      assertThat(graph.positionsFromPast()).isTrue();
    }
  }

  @Test
  @DisplayName("a companion that is not a decoder without past is refused, naming both files")
  void mismatchedCompanion() throws Exception {
    Path broken = Fixtures.copy(LEGACY, temp.resolve("broken"));
    Files.copy(LEGACY.resolve("onnx/decoder_model_merged.onnx"), broken.resolve("onnx/decoder_model.onnx"), REPLACE_EXISTING);
    assertThatThrownBy(() -> open(broken, "onnx/decoder_with_past_model.onnx"))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("onnx/decoder_model.onnx does not match onnx/decoder_with_past_model.onnx: "
            + "expected a decoder without past inputs whose outputs [present.0.key, ");
  }

  /** One prefill step of one prompt: its last position's logits. */
  static FloatBuffer prefill(DecoderGraph graph, Fixtures.Prompt prompt) throws Exception {
    long[] ids = prompt.inputIds().stream().mapToLong(Long::longValue).toArray();
    long[] mask = new long[ids.length];
    long[] positions = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      mask[i] = 1;
      positions[i] = i;
    }
    try (KvCache past = new KvCache(graph); KvCache present = new KvCache(graph)) {
      boolean hasPast = graph.kind() != DecoderGraph.Kind.NO_PAST;
      DecodeStep step = new DecodeStep(1, ids.length, ids, mask, positions,
          hasPast ? past.reshape(1, 0) : null, hasPast ? present : null);
      FloatBuffer logits = graph.run(step, new LogitsScratch(1 << 20)).lastLogits();
      FloatBuffer copy = FloatBuffer.allocate(graph.signature.vocab);
      copy.put(0, logits, 0, graph.signature.vocab);
      return copy;
    }
  }

  private static float[] toArray(FloatBuffer buffer) {
    float[] values = new float[buffer.limit()];
    buffer.get(0, values);
    return values;
  }

  /**
   * gpt2-tiny with its optimum >= 1.14 graph (position_ids) renamed into the legacy pair's name,
   * beside its decoder_model.onnx (position_ids too): a pair that does not derive positions from the past.
   */
  static Path modernPair(Path target) throws Exception {
    Path copy = Fixtures.copy(Fixtures.decoder("gpt2-tiny"), target);
    Files.move(copy.resolve("onnx/model.onnx"), copy.resolve("onnx/decoder_with_past_model.onnx"));
    return copy;
  }

  private static DecoderConfig config(Path model) {
    return DecoderConfig.read(new ModelDirectory(model));
  }

  static DecoderGraph open(Path model, String file) {
    return DecoderGraph.open(new ModelDirectory(model), config(model), new ModelOptions(file, null, 1, true, SessionTuning.DEFAULT));
  }
}
