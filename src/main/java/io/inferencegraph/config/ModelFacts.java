package io.inferencegraph.config;

import io.inferencegraph.model.classify.TextClassifier;
import io.inferencegraph.model.generate.TextGenerator;
import io.inferencegraph.model.load.ModelDirectory;
import io.inferencegraph.model.load.ModelLoadException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What the sizing rule needs of a model, read from its files without loading it: the graph's bytes
 * (with its external data), parameters and layers from config.json, and the KV cache one instance
 * may hold (fp32, at the batch's token limit). A model whose files are not here counts as small.
 */
final class ModelFacts {
  /** Positions a classifier's batch is assumed to fill, for its activations. */
  private static final int CLASSIFIER_POSITIONS = 512;

  private ModelFacts() {}

  /**
   * The facts of {@code model}, which costs a graph request {@code forwardsPerRequest} forwards; a
   * classifier reads texts of about {@code textTokens} tokens (at most its positions).
   */
  static Sizing.Facts of(ModelConfig model, int forwardsPerRequest, int textTokens) {
    Path dir = model.source() instanceof ModelSource.Hub hub && hub.snapshot() == null ? null : model.path();
    boolean generator = model.kind() == ModelConfig.Kind.GENERATOR;
    int rows = generator ? model.batching().maxBatchSize() : 1;
    int tokens = generator ? 1 : textTokens;
    if (dir == null || !Files.isDirectory(dir)) {
      return new Sizing.Facts(model.name(), 0, 0, 0, 0, forwardsPerRequest, model.instances(),
          model.intraOpThreads(), tokens, rows);
    }
    ModelDirectory files = new ModelDirectory(dir);
    long bytes = graphBytes(files, model);
    JsonObject config = readConfig(dir);
    int layers = intOf(config, "n_layer", "num_hidden_layers");
    long hidden = intOf(config, "n_embd", "hidden_size");
    long vocab = intOf(config, "vocab_size", "vocab_size");
    long positions = intOf(config, "n_positions", "max_position_embeddings");
    long parameters = layers > 0 && hidden > 0 ? 12L * layers * hidden * hidden + (vocab + positions) * hidden
        : bytes / 4;
    long perInstance = generator
        ? 2L * layers * hidden * Float.BYTES * model.batching().maxTokensInFlight()
        : (long) model.batching().maxBatchSize() * CLASSIFIER_POSITIONS * hidden * Float.BYTES * Math.max(1, layers);
    return new Sizing.Facts(model.name(), bytes, parameters, layers, perInstance, forwardsPerRequest,
        model.instances(), model.intraOpThreads(), positions > 0 ? (int) Math.min(tokens, positions) : tokens, rows);
  }

  /** The graph file the model loads and any external-data files beside it named after it. */
  private static long graphBytes(ModelDirectory files, ModelConfig model) {
    Path graph;
    try {
      graph = model.onnxFile() != null ? files.onnxFile(model.onnxFile()) : files.root().resolve(files.graph(
          model.kind() == ModelConfig.Kind.GENERATOR ? TextGenerator.GRAPH_FILES : TextClassifier.GRAPH_FILES,
          model.variant()).path());
    } catch (ModelLoadException e) {
      return 0; // loading will say what is missing
    }
    String name = graph.getFileName().toString();
    try (Stream<Path> siblings = Files.list(graph.getParent())) {
      return siblings.filter(p -> p.getFileName().toString().startsWith(name)).mapToLong(ModelFacts::size).sum();
    } catch (IOException e) {
      return size(graph);
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }

  private static JsonObject readConfig(Path dir) {
    try {
      return new JsonObject(Files.readString(dir.resolve("config.json")));
    } catch (IOException | RuntimeException e) {
      return new JsonObject();
    }
  }

  private static int intOf(JsonObject config, String gptName, String bertName) {
    Object value = config.getValue(gptName, config.getValue(bertName));
    return value instanceof Number n ? n.intValue() : 0;
  }
}
