package io.inferencegraph.cli;

import io.inferencegraph.config.ModelConfig;
import io.inferencegraph.config.ModelSource;
import io.inferencegraph.hub.RepoRef;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code models pull REPO[@REVISION]} or {@code models pull --config FILE}: into the Hugging Face cache. */
@Command(name = "pull", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = {"Download what serving a model needs (config, generation config, tokenizer files, the one ONNX "
        + "graph chosen and its external data) into the Hugging Face cache, and print the snapshot directory.",
        "Honours HF_ENDPOINT, HF_TOKEN / HUGGING_FACE_HUB_TOKEN / the token file, HF_HUB_CACHE / HF_HOME / "
            + "XDG_CACHE_HOME and HF_HUB_OFFLINE / TRANSFORMERS_OFFLINE, as huggingface_hub does."})
final class PullCommand implements Callable<Integer> {
  @ParentCommand
  ModelsCommand models;

  @Spec
  CommandSpec spec;

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
    Map<String, String> env = models.root.env;
    ModelStore store = ModelStore.fromEnvironment(env);
    PrintWriter out = spec.commandLine().getOut();
    if (what.repo != null) {
      out.println(store.pull("", RepoRef.parse(what.repo), ModelStore.decoder(variant, onnxFile)).dir());
    } else if (variant != null || onnxFile != null) {
      throw new IllegalArgumentException("--variant and --onnx-file go with REPO; with --config each model's "
          + "variant / onnx_file keys choose its graph");
    } else {
      ConfigFile configFile = new ConfigFile();
      configFile.file = what.config;
      for (ModelConfig model : configFile.load(new JsonObject(), env).models()) {
        if (model.source() instanceof ModelSource.Hub) {
          out.println(model.name() + "\t" + store.pull(model).dir());
        }
      }
    }
    out.flush();
    return 0;
  }
}
