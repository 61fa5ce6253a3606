package io.inferencegraph.hub;

import com.google.gson.JsonObject;
import io.inferencegraph.model.load.GraphFiles;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Which files of a repo serving needs: config and tokenizer files, one ONNX graph and its external data. */
public final class FileSelector {
  private static final List<String> REQUIRED = List.of("config.json", "tokenizer.json");
  private static final List<String> OPTIONAL =
      List.of("generation_config.json", "tokenizer_config.json", "special_tokens_map.json");

  private final List<String> graphCandidates;
  private final String variant;
  private final String onnxFile;
  private final Map<String, String> companions;

  private FileSelector(List<String> graphCandidates, String variant, String onnxFile, Map<String, String> companions) {
    this.graphCandidates = List.copyOf(graphCandidates);
    this.variant = variant == null ? "" : variant.strip();
    this.onnxFile = onnxFile == null || onnxFile.isBlank() ? null : onnxFile.strip();
    this.companions = Map.copyOf(companions);
  }

  /**
   * The ONNX graph is {@code onnxFile} if given (exact repo path), else the first of {@code graphCandidates} (base
   * names such as "model") plus "_" + {@code variant} if not blank plus ".onnx", looked for in onnx/ then at the root;
   * with neither, the graph config.json's transformers.js dtype names or the fp32 one or the best there is
   * ({@link GraphFiles}).
   */
  public static FileSelector forOnnxModel(List<String> graphCandidates, String variant, String onnxFile) {
    if ((onnxFile == null || onnxFile.isBlank()) && (graphCandidates == null || graphCandidates.isEmpty())) {
      throw new IllegalArgumentException("name an ONNX file or at least one graph candidate");
    }
    return new FileSelector(graphCandidates == null ? List.of() : graphCandidates, variant, onnxFile, Map.of());
  }

  /**
   * Also fetches, when the chosen graph's name starts with a key of {@code byGraph}, the graph named by its value
   * with the same suffix in the same folder, if the repo has it (a legacy decoder_with_past_model.onnx is prefilled
   * by its decoder_model.onnx).
   */
  public FileSelector withCompanions(Map<String, String> byGraph) {
    return new FileSelector(graphCandidates, variant, onnxFile, byGraph);
  }

  /** The repo paths to fetch and, when the graph is not the plain default, why it is the one chosen. */
  public record Selection(List<String> files, Optional<String> why) {}

  /**
   * Whether the graph depends on config.json: with neither an ONNX file nor a variant configured, its
   * {@code transformers.js_config.dtype} may name the graph (see {@link GraphFiles}).
   */
  public boolean readsConfig() {
    return onnxFile == null && variant.isEmpty();
  }

  /** The repo paths to fetch, out of a listing of the repo's paths, as if config.json named no dtype. */
  public List<String> select(Collection<String> repoPaths) {
    return select(repoPaths, null).files();
  }

  /** The repo paths to fetch, out of a listing of the repo's paths and the repo's config.json (null if unread). */
  public Selection select(Collection<String> repoPaths, JsonObject config) {
    Set<String> present = new TreeSet<>(repoPaths);
    List<String> missing = REQUIRED.stream().filter(p -> !present.contains(p)).toList();
    if (!missing.isEmpty()) {
      throw new HubException(HubException.Kind.ENTRY_NOT_FOUND,
          "no " + String.join(" or ", missing) + " at the repo root, so it is not a model export this server can serve");
    }
    GraphFiles.Choice choice = graph(present, config).orElseThrow(() -> new HubException(
        HubException.Kind.ENTRY_NOT_FOUND, "no " + wanted() + "; the repo's ONNX files are: " + onnxFiles(present)));
    String graph = choice.path();
    List<String> selected = new ArrayList<>(REQUIRED);
    OPTIONAL.stream().filter(present::contains).forEach(selected::add);
    selected.add(graph);
    selected.addAll(externalData(graph, present));
    companion(graph).filter(present::contains).ifPresent(companion -> {
      selected.add(companion);
      selected.addAll(externalData(companion, present));
    });
    return new Selection(List.copyOf(selected), choice.why());
  }

  /** What this selector looks for, for messages. */
  public String wanted() {
    if (onnxFile != null) {
      return onnxFile;
    }
    return "ONNX graph named " + GraphFiles.wanted(graphCandidates, variant) + " in onnx/ or at the root";
  }

  private Optional<GraphFiles.Choice> graph(Set<String> present, JsonObject config) {
    if (onnxFile != null) {
      return Optional.of(onnxFile).filter(present::contains).map(path -> new GraphFiles.Choice(path, Optional.empty()));
    }
    return GraphFiles.choose(present, graphCandidates, variant, config);
  }

  private Optional<String> companion(String graph) {
    int slash = graph.lastIndexOf('/');
    String folder = graph.substring(0, slash + 1);
    String name = graph.substring(slash + 1);
    return companions.entrySet().stream().filter(e -> name.startsWith(e.getKey()))
        .map(e -> folder + e.getValue() + name.substring(e.getKey().length())).findFirst();
  }

  /** Weights kept beside a large graph: "model.onnx_data", "model.onnx.data", "model.onnx_data_1", ... */
  private static List<String> externalData(String graph, Set<String> present) {
    return present.stream()
        .filter(path -> path.startsWith(graph + "_data") || path.startsWith(graph + ".data"))
        .filter(path -> path.lastIndexOf('/') == graph.lastIndexOf('/'))
        .toList();
  }

  private static String onnxFiles(Set<String> present) {
    List<String> onnx = present.stream().filter(path -> path.endsWith(".onnx")).toList();
    return onnx.isEmpty() ? "none" : String.join(", ", onnx);
  }
}
