package io.inferencegraph.hub;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which files of a repo a model needs. */
class FileSelectorTest {
  private static final List<String> GRAPHS = List.of("model", "decoder_model_merged");
  private static final List<String> REPO = List.of("README.md", "config.json", "tokenizer.json", "vocab.json",
      "special_tokens_map.json", "onnx/model.onnx", "onnx/model_quantized.onnx", "onnx/decoder_model_merged.onnx",
      "decoder_model_merged_fp16.onnx", "onnx/model.onnx_data", "onnx/model.onnx.data", "model.onnx_data");

  @Test
  @DisplayName("the default graph comes from onnx/ with its external data beside it, plus the config and tokenizer files")
  void defaultGraph() {
    assertThat(FileSelector.forOnnxModel(GRAPHS, null, null).select(REPO)).containsExactly("config.json",
        "tokenizer.json", "special_tokens_map.json", "onnx/model.onnx", "onnx/model.onnx.data", "onnx/model.onnx_data");
  }

  @Test
  @DisplayName("a variant picks the suffixed graph, looked for in onnx/ first and then at the root")
  void variant() {
    assertThat(FileSelector.forOnnxModel(GRAPHS, "quantized", null).select(REPO)).endsWith("onnx/model_quantized.onnx");
    assertThat(FileSelector.forOnnxModel(GRAPHS, "fp16", "").select(REPO)).endsWith("decoder_model_merged_fp16.onnx");
  }

  @Test
  @DisplayName("a legacy with-past graph brings the no-past graph that prefills it, with the same variant suffix")
  void companion() {
    List<String> legacy = List.of("config.json", "tokenizer.json", "onnx/decoder_with_past_model.onnx",
        "onnx/decoder_model.onnx", "onnx/decoder_with_past_model_quantized.onnx", "onnx/decoder_model_quantized.onnx");
    FileSelector selector = FileSelector.forOnnxModel(List.of("model", "decoder_with_past_model"), null, null)
        .withCompanions(java.util.Map.of("decoder_with_past_model", "decoder_model"));
    assertThat(selector.select(legacy)).endsWith("onnx/decoder_with_past_model.onnx", "onnx/decoder_model.onnx");
    assertThat(FileSelector.forOnnxModel(List.of("decoder_with_past_model"), "quantized", null)
        .withCompanions(java.util.Map.of("decoder_with_past_model", "decoder_model")).select(legacy))
        .endsWith("onnx/decoder_with_past_model_quantized.onnx", "onnx/decoder_model_quantized.onnx");
    assertThat(selector.select(legacy.subList(0, 3))).as("no companion in the repo: the graph alone")
        .endsWith("tokenizer.json", "onnx/decoder_with_past_model.onnx");
  }

  @Test
  @DisplayName("an explicit ONNX file is taken as the exact repo path")
  void explicitFile() {
    assertThat(FileSelector.forOnnxModel(GRAPHS, "quantized", "onnx/decoder_model_merged.onnx").select(REPO))
        .endsWith("onnx/decoder_model_merged.onnx");
    assertThatThrownBy(() -> FileSelector.forOnnxModel(GRAPHS, null, "model.onnx").select(List.of("config.json",
        "tokenizer.json", "onnx/model.onnx")))
        .isInstanceOfSatisfying(HubException.class,
            e -> assertThat(e.kind()).isEqualTo(HubException.Kind.ENTRY_NOT_FOUND))
        .hasMessage("no model.onnx; the repo's ONNX files are: onnx/model.onnx");
  }

  @Test
  @DisplayName("a repo without config.json or tokenizer.json is refused, naming what is missing")
  void requiredFiles() {
    assertThatThrownBy(() -> FileSelector.forOnnxModel(GRAPHS, null, null).select(List.of("onnx/model.onnx")))
        .hasMessageStartingWith("no config.json or tokenizer.json at the repo root");
  }
  @Test
  @DisplayName("a selector needs an ONNX file or a graph candidate")
  void needsAGraph() {
    assertThatThrownBy(() -> FileSelector.forOnnxModel(null, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("name an ONNX file or at least one graph candidate");
    assertThatThrownBy(() -> FileSelector.forOnnxModel(List.of(), "", " "))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("name an ONNX file or at least one graph candidate");
  }

  @Test
  @DisplayName("a companion comes only with a graph whose name starts with its key")
  void companionOnlyForItsGraph() {
    FileSelector selector = FileSelector.forOnnxModel(List.of("model"), null, null)
        .withCompanions(java.util.Map.of("decoder_with_past_model", "decoder_model"));

    assertThat(selector.select(List.of("config.json", "tokenizer.json", "onnx/model.onnx", "onnx/decoder_model.onnx")))
        .containsExactly("config.json", "tokenizer.json", "onnx/model.onnx");
  }

  @Test
  @DisplayName("external data is taken beside the graph only, not from a folder named like it")
  void externalDataBesideOnly() {
    assertThat(FileSelector.forOnnxModel(GRAPHS, null, null).select(List.of("config.json", "tokenizer.json",
        "onnx/model.onnx", "onnx/model.onnx_data", "onnx/model.onnx_data/shard0")))
        .containsExactly("config.json", "tokenizer.json", "onnx/model.onnx", "onnx/model.onnx_data");
  }

  private static com.google.gson.JsonObject config(String transformersJs) {
    return com.google.gson.JsonParser.parseString("{\"model_type\": \"gpt2\", \"transformers.js_config\": "
        + transformersJs + "}").getAsJsonObject();
  }

  private static FileSelector.Selection select(String transformersJs, String... graphs) {
    List<String> repo = new java.util.ArrayList<>(List.of("config.json", "tokenizer.json"));
    repo.addAll(List.of(graphs));
    return FileSelector.forOnnxModel(GRAPHS, null, null).select(repo, config(transformersJs));
  }

  @Test
  @DisplayName("config.json's dtype \"auto\", an unknown dtype, a number or no dtype leave the fp32 graph, said nothing about")
  void dtypesThatNameNothing() {
    for (String options : List.of("{\"dtype\": \"auto\"}", "{\"dtype\": \"fp64\"}", "{\"dtype\": 4}", "{}", "\"q4\"",
        "{\"dtype\": {\"model\": \"auto\"}}")) {
      FileSelector.Selection selection = select(options, "onnx/model.onnx", "onnx/model_q4.onnx");
      assertThat(selection.files()).as(options).endsWith("onnx/model.onnx");
      assertThat(selection.why()).as(options).isEmpty();
    }
  }

  @Test
  @DisplayName("a named dtype the repo lacks falls back to fp32, else to the best graph, and the note says both")
  void namedDtypeMissing() {
    assertThat(select("{\"dtype\": \"q4\"}", "onnx/model.onnx", "onnx/model_fp16.onnx").why()).contains(
        "using onnx/model.onnx (fp32): config.json's transformers.js_config.dtype names q4 for model but the export "
            + "has no model_q4.onnx");
    assertThat(select("{\"dtype\": \"q4\"}", "onnx/model_bnb4.onnx", "onnx/model_q4f16.onnx").why()).contains(
        "using onnx/model_q4f16.onnx (q4f16): config.json's transformers.js_config.dtype names q4 for model but the "
            + "export has no model_q4.onnx nor an fp32 graph, and q4f16 comes first of fp32 > fp16 > q8 "
            + "> int8 > uint8 > q4 > q4f16 > bnb4 among its graphs");
  }

  @Test
  @DisplayName("without fp32, the better dtype wins across graph names; a named dtype is found at the root too")
  void bestDtypeFirst() {
    assertThat(select("{}", "onnx/model_q4.onnx", "onnx/decoder_model_merged_fp16.onnx").files())
        .endsWith("onnx/decoder_model_merged_fp16.onnx");
    assertThat(select("{}", "onnx/model_uint8.onnx", "onnx/model_int8.onnx", "onnx/model_bnb4.onnx").files())
        .endsWith("onnx/model_int8.onnx");
    assertThat(select("{}", "model_uint8.onnx", "onnx/model_q4.onnx", "onnx/model_bnb4.onnx").files())
        .endsWith("model_uint8.onnx");
    assertThat(select("{\"dtype\": \"bnb4\"}", "onnx/model.onnx", "model_bnb4.onnx").files())
        .endsWith("model_bnb4.onnx");
  }

  @Test
  @DisplayName("only a selector with neither a variant nor an ONNX file reads config.json, and only it obeys its dtype")
  void readsConfigOnlyWithoutChoice() {
    List<String> repo = List.of("config.json", "tokenizer.json", "onnx/model.onnx", "onnx/model_q4.onnx",
        "onnx/model_quantized.onnx");
    assertThat(FileSelector.forOnnxModel(GRAPHS, " ", "").readsConfig()).isTrue();
    assertThat(FileSelector.forOnnxModel(GRAPHS, "quantized", null).readsConfig()).isFalse();
    assertThat(FileSelector.forOnnxModel(GRAPHS, null, "onnx/model.onnx").readsConfig()).isFalse();
    assertThat(FileSelector.forOnnxModel(GRAPHS, "quantized", null).select(repo, config("{\"dtype\": \"q4\"}")).files())
        .endsWith("onnx/model_quantized.onnx");
    assertThat(FileSelector.forOnnxModel(GRAPHS, null, "onnx/model.onnx").select(repo, config("{\"dtype\": \"q4\"}"))
        .files()).endsWith("onnx/model.onnx");
  }

  @Test
  @DisplayName("variant fp32 pins the plain graph whatever config.json's dtype names, and says what it looked for")
  void fp32Pins() {
    List<String> repo = List.of("config.json", "tokenizer.json", "onnx/model.onnx", "onnx/model_q4.onnx",
        "onnx/model_fp32.onnx.bak");
    FileSelector fp32 = FileSelector.forOnnxModel(GRAPHS, "fp32", null);
    assertThat(fp32.readsConfig()).isFalse();
    assertThat(fp32.select(repo, config("{\"dtype\": \"q4\"}")).files()).endsWith("onnx/model.onnx")
        .doesNotContain("onnx/model_q4.onnx");
    assertThat(FileSelector.forOnnxModel(GRAPHS, " fp32 ", null).select(repo)).endsWith("onnx/model.onnx");
    assertThat(io.inferencegraph.model.load.GraphFiles.wanted(List.of("model"), "fp32")).containsExactly("model.onnx");
    assertThat(io.inferencegraph.model.load.GraphFiles.wanted(List.of("model"), "q4")).containsExactly("model_q4.onnx");
  }
}
