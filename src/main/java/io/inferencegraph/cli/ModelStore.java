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
import java.util.Map;
import java.util.Optional;

/**
 * The configured models' {@code hf://} sources as snapshot directories in the Hugging Face cache:
 * found there, or pulled first. Local directories pass through.
 */
final class ModelStore {
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

  /** Every model this node serves, resolved; {@code pull} downloads what the cache lacks. */
  GraphConfig resolve(GraphConfig config, boolean pull) {
    return config.withModels(model -> config.roles().serves(model) ? resolve(model, pull) : model);
  }

  ModelConfig resolve(ModelConfig model, boolean pull) {
    if (!(model.source() instanceof ModelSource.Hub source)) {
      return model;
    }
    Snapshot snapshot = pull ? pull(model) : cached(model).orElseThrow(() -> missing(model));
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

  private Errors.CommandFailure missing(ModelConfig model) {
    String ref = ((ModelSource.Hub) model.source()).ref().toString();
    return new Errors.CommandFailure("model " + model.name() + ": hf://" + ref + " is not in the Hugging Face cache ("
        + settings.cacheDir() + "); download it with `java -jar target/inference-graph.jar models pull " + ref
        + "` (or `models pull --config FILE`), or start with --pull", null);
  }
}
