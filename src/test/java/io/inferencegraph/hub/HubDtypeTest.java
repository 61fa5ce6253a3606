package io.inferencegraph.hub;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.inferencegraph.model.generate.TextGenerator;
import io.inferencegraph.model.load.ModelOptions;
import io.inferencegraph.model.load.SessionTuning;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The graph a pull fetches when config.json's transformers.js_config.dtype names one or the repo has no fp32 graph,
 * and that a local copy of the same export loads: real gpt2-tiny graphs under transformers.js file names.
 */
class HubDtypeTest extends HubFixture {
  private static final Path GPT2 = Path.of("models/gpt2-tiny");

  @TempDir
  Path exports;

  @Test
  @DisplayName("dtype \"q4\" in config.json: the pull fetches onnx/model_q4.onnx, not model.onnx, says why, and a local copy loads the same file")
  void configuredDtype() throws Exception {
    Path export = export("q4", "\"q4\"", Map.of("model.onnx", "model.onnx", "model_q4.onnx", "model_int8.onnx",
        "model_fp16.onnx", "model_fp16.onnx"));
    RecordingProgress progress = new RecordingProgress();

    Snapshot snapshot = client(progress).pull(serve("acme/q4", export), MODEL);

    assertThat(snapshot.files()).containsExactly("config.json", "tokenizer.json", "generation_config.json",
        "tokenizer_config.json", "onnx/model_q4.onnx");
    assertThat(progress.events).contains("note acme/q4: using onnx/model_q4.onnx as config.json's "
        + "transformers.js_config.dtype names q4 for model");
    assertThat(progress.events.indexOf("finished config.json")).as("config.json comes first")
        .isLessThan(progress.events.indexOf("finished tokenizer.json"));
    assertThat(progress.events).as("fetched once, not reported cached after").doesNotContain("cached config.json");
    assertThat(client().cached(RepoRef.parse("acme/q4"), MODEL)).get().extracting(Snapshot::files)
        .isEqualTo(snapshot.files());
    assertThat(loads(snapshot.dir(), null)).isEqualTo(loads(export, null)).isEqualTo("model_q4.onnx");
  }

  @Test
  @DisplayName("a per-module dtype map: the entry for the graph's own name counts, here decoder_model_merged's q4")
  void perModuleMap() throws Exception {
    Path export = export("map", "{\"embed_tokens\": \"fp16\", \"decoder_model_merged\": \"q4\"}",
        Map.of("model.onnx", "model.onnx", "decoder_model_merged.onnx", "decoder_model_merged.onnx",
            "decoder_model_merged_q4.onnx", "decoder_model_merged.onnx", "embed_tokens_fp16.onnx", "model_fp16.onnx"));

    Snapshot snapshot = client().pull(serve("acme/map", export), MODEL);

    assertThat(snapshot.files()).endsWith("onnx/decoder_model_merged_q4.onnx")
        .doesNotContain("onnx/model.onnx", "onnx/decoder_model_merged.onnx", "onnx/embed_tokens_fp16.onnx");
    assertThat(loads(snapshot.dir(), null)).isEqualTo(loads(export, null))
        .isEqualTo("decoder_model_merged_q4.onnx");
  }

  @Test
  @DisplayName("no fp32 graph and no dtype named: the first of fp32 > fp16 > q8 > int8 > ... the repo holds (q8 here)")
  void noFp32Graph() throws Exception {
    Path export = export("nofp32", null, Map.of("model_int8.onnx", "model_int8.onnx",
        "model_quantized.onnx", "model_quantized.onnx", "model_q4.onnx", "model_int8.onnx"));
    RecordingProgress progress = new RecordingProgress();

    Snapshot snapshot = client(progress).pull(serve("acme/nofp32", export), MODEL);

    assertThat(snapshot.files()).endsWith("onnx/model_quantized.onnx").doesNotContain("onnx/model_int8.onnx");
    assertThat(progress.events).contains("note acme/nofp32: using onnx/model_quantized.onnx (q8): the export has no "
        + "fp32 graph, and q8 comes first of fp32 > fp16 > q8 > int8 > uint8 > q4 > q4f16 > bnb4 among its graphs");
    assertThat(loads(snapshot.dir(), null)).isEqualTo(loads(export, null)).isEqualTo("model_quantized.onnx");
  }

  @Test
  @DisplayName("an explicit variant wins over config.json's dtype, and nothing is said about it")
  void explicitVariantWins() throws Exception {
    Path export = export("fp16", "\"q4\"", Map.of("model.onnx", "model.onnx", "model_q4.onnx", "model_int8.onnx",
        "model_fp16.onnx", "model_fp16.onnx"));
    RecordingProgress progress = new RecordingProgress();

    Snapshot snapshot = client(progress).pull(serve("acme/fp16", export), FileSelector.forOnnxModel(GRAPHS, "fp16",
        null));

    assertThat(snapshot.files()).endsWith("onnx/model_fp16.onnx").doesNotContain("onnx/model_q4.onnx");
    assertThat(progress.events).noneMatch(event -> event.startsWith("note"));
    assertThat(loads(snapshot.dir(), "fp16")).isEqualTo(loads(export, "fp16")).isEqualTo("model_fp16.onnx");
  }

  /** gpt2-tiny's config and tokenizer files, config.json with {@code dtype} if not null, and graphs renamed. */
  private Path export(String name, String dtype, Map<String, String> graphs) throws IOException {
    Path dir = Files.createDirectories(exports.resolve(name).resolve("onnx"));
    for (String file : List.of("tokenizer.json", "generation_config.json", "tokenizer_config.json")) {
      Files.copy(GPT2.resolve(file), dir.resolveSibling(file));
    }
    JsonObject config = JsonParser.parseString(Files.readString(GPT2.resolve("config.json"))).getAsJsonObject();
    if (dtype != null) {
      config.add("transformers.js_config", JsonParser.parseString("{\"dtype\": " + dtype + "}"));
    }
    Files.writeString(dir.resolveSibling("config.json"), config.toString());
    for (Map.Entry<String, String> graph : graphs.entrySet()) {
      Files.copy(GPT2.resolve("onnx").resolve(graph.getValue()), dir.resolve(graph.getKey()));
    }
    return dir.getParent();
  }

  private RepoRef serve(String repo, Path export) {
    FakeRepo fake = new FakeRepo(repo);
    fake.commit("main", FakeRepo.filesOf(export));
    hub.serve(fake);
    return RepoRef.parse(repo);
  }

  /** The graph file a real generator opens from {@code dir}, as its description names it. */
  private static String loads(Path dir, String variant) {
    try (TextGenerator generator = TextGenerator.load(dir, new ModelOptions(null, variant, 1, true,
        SessionTuning.DEFAULT))) {
      return List.of(generator.describe().split(", ")).stream().filter(part -> part.endsWith(".onnx")).findFirst()
          .orElse(generator.describe());
    }
  }
}
