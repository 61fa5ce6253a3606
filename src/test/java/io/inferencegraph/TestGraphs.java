package io.inferencegraph;

import io.inferencegraph.api.GenerationParams;
import io.inferencegraph.config.ConfigLoader;
import io.inferencegraph.config.GraphConfig;
import io.inferencegraph.config.ModelConfig;
import io.inferencegraph.model.Decoding;
import io.inferencegraph.model.classify.Classification;
import io.inferencegraph.model.classify.TextClassifier;
import io.inferencegraph.model.generate.Generation;
import io.inferencegraph.model.generate.TextGenerator;
import io.inferencegraph.model.load.ModelOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** The service as shipped (conf/config.json, models/), on a free port, with test overrides. */
public final class TestGraphs {
  private TestGraphs() {}

  /** conf/config.json with port 0 and the given keys merged over it. */
  public static GraphConfig config(JsonObject overrides) {
    JsonObject json = ConfigLoader.load(Path.of("conf/config.json"), Map.of(), new Properties());
    json.getJsonObject("http").put("port", 0);
    json.mergeIn(overrides, true);
    return ConfigLoader.parse(json);
  }

  /**
   * The answer the model layer gives when called directly, one entry per generator in order
   * ({@code model}, {@code generated}, {@code score}): what the service must answer with the same seed.
   */
  public static List<JsonObject> directAnswer(GraphConfig config, String prompt, GenerationParams params) {
    List<JsonObject> expected = new ArrayList<>();
    ModelConfig classifierModel = config.classifiers().get(0);
    try (TextClassifier classifier = TextClassifier.load(classifierModel.path(), ModelOptions.defaults())) {
      for (ModelConfig model : config.generators()) {
        try (TextGenerator generator = TextGenerator.load(model.path(), ModelOptions.defaults())) {
          Generation g = Decoding.one(generator, prompt, config.generation().overriddenBy(params));
          Classification c = classifier.classify(List.of(g.generatedText())).get(0);
          expected.add(new JsonObject().put("model", model.name()).put("generated", g.generatedText())
              .put("score", c.score()));
        }
      }
    }
    return expected;
  }

  /** A copy of a model directory that a test may break. */
  public static Path copyModel(Path model, Path target) {
    try (var files = Files.walk(model)) {
      for (Path file : files.toList()) {
        if (file.toString().contains(".ort-cache")) {
          continue; // other tests' cached optimised graphs: each copy starts without them
        }
        Path to = target.resolve(model.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(to);
        } else {
          Files.copy(file, to);
        }
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A copy of a decoder whose config.json (and tokenizer_config.json, which also bounds the
   * context) claims more positions than its graph has, so that ONNX Runtime fails on long prompts.
   */
  public static Path copyClaimingLongerContext(Path model, Path target) {
    copyModel(model, target);
    try {
      Path config = target.resolve("config.json");
      Files.writeString(config, Files.readString(config)
          .replaceAll("\"n_positions\": *\\d+", "\"n_positions\": 4096")
          .replaceAll("\"n_ctx\": *\\d+", "\"n_ctx\": 4096"));
      Path tokenizerConfig = target.resolve("tokenizer_config.json");
      Files.writeString(tokenizerConfig, Files.readString(tokenizerConfig)
          .replaceAll("\"model_max_length\": *\\d+", "\"model_max_length\": 4096"));
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Future<MainVerticle> deploy(Vertx vertx, GraphConfig config) {
    return deploy(vertx, config, MainVerticle.ObserverHook.NONE);
  }

  /** As {@link #deploy(Vertx, GraphConfig)}, each model's batch loop reporting through {@code observers} too. */
  public static Future<MainVerticle> deploy(Vertx vertx, GraphConfig config, MainVerticle.ObserverHook observers) {
    MainVerticle main = new MainVerticle(config, null, observers);
    return vertx.deployVerticle(main).map(id -> main);
  }
}
