package io.inferencegraph.cli;

import io.inferencegraph.config.GraphConfig;
import io.inferencegraph.config.ModelConfig;
import io.inferencegraph.config.ModelSource;
import io.inferencegraph.hub.FileSelector;
import io.inferencegraph.hub.HubClient;
import io.inferencegraph.hub.HubException;
import io.inferencegraph.hub.HubSettings;
import io.inferencegraph.hub.ProgressListener;
import io.inferencegraph.hub.RepoRef;
import io.inferencegraph.hub.Snapshot;
import io.inferencegraph.model.classify.TextClassifier;
import io.inferencegraph.model.generate.TextGenerator;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The configured models' {@code hf://} sources as snapshot directories in the Hugging Face cache:
 * found there, or pulled first. Local directories pass through.
 */
final class ModelStore {
  static final String JAR = "java -jar target/inference-graph.jar";

  private final HubSettings settings;
  private final HubClient hub;

  ModelStore(HubSettings settings, ProgressListener progress) {
    this.settings = settings;
    this.hub = new HubClient(settings, progress);
  }

  /** Settings from HF_* in {@code env}; progress on stderr (a redrawn bar on a terminal). */
  static ModelStore fromEnvironment(Map<String, String> env) {
    return new ModelStore(HubSettings.fromEnvironment(env),
        ProgressListener.console(System.err, System.console() != null));
  }

  HubSettings settings() {
    return settings;
  }

  /**
   * Every model this node serves, resolved; {@code pull} downloads what the cache lacks. Without it, the models
   * missing from the cache fail together, each named with the command that fetches it from {@code configFile}.
   */
  GraphConfig resolve(GraphConfig config, boolean pull, Optional<Path> configFile) {
    if (!pull) {
      List<ModelConfig> missing = config.models().stream()
          .filter(model -> config.roles().serves(model) && model.source() instanceof ModelSource.Hub)
          .filter(model -> cached(model).isEmpty()).toList();
      if (!missing.isEmpty()) {
        throw new Errors.CommandFailure(missing(missing, configFile) + ", or start with --pull", null);
      }
    }
    return config.withModels(model -> config.roles().serves(model) ? resolve(model, pull) : model);
  }

  /** "N model(s) not in the Hugging Face cache (DIR):", a line per model with its own pull, then the one for all. */
  String missing(List<ModelConfig> models, Optional<Path> configFile) {
    StringBuilder text = new StringBuilder(models.size() + " model(s) not in the Hugging Face cache ("
        + settings.cacheDir() + "):");
    for (ModelConfig model : models) {
      text.append(System.lineSeparator()).append("  ").append(model.name()).append(": ").append(model.source())
          .append("  (alone: `").append(pullCommand(model)).append("`)");
    }
    return text.append(System.lineSeparator()).append(configFile
        .map(file -> "fetch them with `" + JAR + " models pull --config " + file + "`")
        .orElse("fetch each with the command beside it")).toString();
  }

  /** {@code models pull REPO[@REVISION]} with the config's variant and onnx_file for this one model. */
  static String pullCommand(ModelConfig model) {
    String command = JAR + " models pull " + ((ModelSource.Hub) model.source()).ref();
    if (model.onnxFile() != null && !model.onnxFile().isBlank()) {
      return command + " --onnx-file " + model.onnxFile();
    }
    return model.variant() == null || model.variant().isBlank() ? command : command + " --variant " + model.variant();
  }

  ModelConfig resolve(ModelConfig model, boolean pull) {
    if (!(model.source() instanceof ModelSource.Hub source)) {
      return model;
    }
    Snapshot snapshot = pull ? pull(model) : cached(model).orElseThrow(() -> new Errors.CommandFailure(
        missing(List.of(model), Optional.empty()), null));
    return model.withSource(source.resolvedTo(snapshot.dir()));
  }

  Snapshot pull(ModelConfig model) {
    ModelSource.Hub source = (ModelSource.Hub) model.source();
    return pull("model " + model.name() + ": ", source.ref(), selector(model));
  }

  /** Downloads what {@code selector} picks; a failure becomes one line that starts with {@code prefix}. */
  Snapshot pull(String prefix, RepoRef ref, FileSelector selector) {
    try {
      return hub.pull(ref, selector);
    } catch (HubException e) {
      throw new Errors.CommandFailure(prefix + e.getMessage(), e);
    }
  }

  Optional<Snapshot> cached(ModelConfig model) {
    return hub.cached(((ModelSource.Hub) model.source()).ref(), selector(model));
  }

  /** The files a model of its kind needs from its repository. */
  static FileSelector selector(ModelConfig model) {
    return model.kind() == ModelConfig.Kind.GENERATOR ? decoder(model.variant(), model.onnxFile())
        : FileSelector.forOnnxModel(TextClassifier.GRAPH_FILES, model.variant(), model.onnxFile());
  }

  /** A decoder's files; also the graph for a classifier repo pulled by name, since both look for "model" first. */
  static FileSelector decoder(String variant, String onnxFile) {
    return FileSelector.forOnnxModel(TextGenerator.GRAPH_FILES, variant, onnxFile)
        .withCompanions(TextGenerator.GRAPH_COMPANIONS);
  }
}
