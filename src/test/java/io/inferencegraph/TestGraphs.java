package io.inferencegraph;

import io.inferencegraph.config.ConfigLoader;
import io.inferencegraph.config.GraphConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
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

  public static Future<MainVerticle> deploy(Vertx vertx, GraphConfig config) {
    MainVerticle main = new MainVerticle(config);
    return vertx.deployVerticle(main).map(id -> main);
  }
}
