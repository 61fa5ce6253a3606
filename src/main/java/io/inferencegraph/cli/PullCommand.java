package io.inferencegraph.cli;

import io.inferencegraph.config.GraphConfig;
import io.inferencegraph.config.ModelConfig;
import io.inferencegraph.config.ModelSource;
import io.inferencegraph.hub.FileSelector;
import io.inferencegraph.hub.RepoRef;
import io.inferencegraph.hub.Snapshot;
import io.inferencegraph.model.TextGenerator;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code models pull REPO[@REVISION]} or {@code models pull --config FILE}: into the Hugging Face cache. */
@Command(name = "pull", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = {"Download what serving a model needs (config, generation config, tokenizer files, the one ONNX "
        + "graph chosen and its external data) into the Hugging Face cache, and print the snapshot directory.",
        "Honours HF_ENDPOINT, HF_TOKEN, HF_HOME / HF_HUB_CACHE and HF_HUB_OFFLINE."})
final class PullCommand implements Callable<Integer> {
  @ArgGroup(multiplicity = "1")
  What what;

  static final class What {
    @Parameters(paramLabel = "REPO[@REVISION]", description = "e.g. onnx-community/gpt2-ONNX or Xenova/gpt2@main")
    String repo;

    @Option(names = "--config", paramLabel = "FILE", description = "Pull every hf:// model this configuration names.")
    java.nio.file.Path config;
  }

  @Option(names = "--variant", paramLabel = "NAME", description = "Graph file suffix, e.g. quantized for "
      + "model_quantized.onnx (with REPO).")
  String variant;

  @Option(names = "--onnx-file", paramLabel = "PATH", description = "Exact graph file in the repo, e.g. "
      + "onnx/decoder_model_merged.onnx (with REPO).")
  String onnxFile;

  @Override
  public Integer call() {
    ModelStore store = ModelStore.fromEnvironment();
    if (what.repo != null) {
      Snapshot snapshot = pullOne(store, RepoRef.parse(what.repo));
      System.out.println(snapshot.dir());
      return 0;
    }
    ConfigFile configFile = new ConfigFile();
    configFile.file = what.config;
    GraphConfig config = configFile.load(new JsonObject());
    for (ModelConfig model : config.models()) {
      if (model.source() instanceof ModelSource.Hub) {
        Snapshot snapshot = store.pull(model);
        System.out.println(model.name() + "\t" + snapshot.dir());
      }
    }
    return 0;
  }

  private Snapshot pullOne(ModelStore store, RepoRef ref) {
    // Without a model kind, the generators' graph names: they begin with the classifiers' "model".
    return store.pull("", ref, FileSelector.forOnnxModel(TextGenerator.GRAPH_FILES, variant, onnxFile));
  }
}
