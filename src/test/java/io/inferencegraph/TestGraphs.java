package io.inferencegraph;

import io.inferencegraph.config.ConfigLoader;
import io.inferencegraph.config.GraphConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
    return ConfigLoader.parse(json, Runtime.getRuntime().availableProcessors());
  }

  /** A copy of a model directory that a test may break. */
  public static Path copyModel(Path model, Path target) {
    try (var files = Files.walk(model)) {
      for (Path file : files.toList()) {
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

  public static Future<MainVerticle> deploy(Vertx vertx, GraphConfig config) {
    MainVerticle main = new MainVerticle(config);
    return vertx.deployVerticle(main).map(id -> main);
  }
}
