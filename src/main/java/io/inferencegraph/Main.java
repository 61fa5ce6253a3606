package io.inferencegraph;

import io.inferencegraph.config.ConfigException;
import io.inferencegraph.config.ConfigLoader;
import io.inferencegraph.config.GraphConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar inference-graph.jar [--config FILE] [--models DIR] [--port N]}: reads the
 * configuration once, starts Vert.x and deploys the graph; SIGTERM drains, then exits.
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);
  private static final String USAGE = """
      usage: java -jar inference-graph.jar [--config FILE] [--models DIR] [--port N]
        --config FILE   configuration file (default conf/config.json, else the one in the jar; env GRAPH_CONFIG)
        --models DIR    directory holding the model directories (models_dir; env GRAPH_MODELS_DIR)
        --port N        HTTP port (http.port; env GRAPH_HTTP__PORT)
      Any key can also be set by environment (GRAPH_HTTP__MAX_IN_FLIGHT=32) or system property (-Dgraph.http.port=8080).""";

  private Main() {}

  public static void main(String[] args) {
    System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
    GraphConfig config;
    try {
      config = configure(args);
    } catch (ConfigException | IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx();
    MainVerticle main = new MainVerticle(config);
    vertx.deployVerticle(main).onFailure(error -> {
      LOG.error("start-up failed: {}", error.getMessage(), error);
      vertx.close();
      System.exit(1);
    });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("shutting down: draining in-flight requests");
      try {
        main.drain().eventually(() -> vertx.close()).toCompletionStage().toCompletableFuture()
            .get(90, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("shutdown did not finish cleanly: {}", e.toString());
      }
    }, "graph-shutdown"));
  }

  static GraphConfig configure(String[] args) {
    Path file = System.getenv("GRAPH_CONFIG") != null ? Path.of(System.getenv("GRAPH_CONFIG")) : null;
    JsonObject flags = new JsonObject();
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (flag.equals("--help") || flag.equals("-h")) {
        System.out.println(USAGE);
        System.exit(0);
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("missing value after " + flag);
      }
      String value = args[++i];
      switch (flag) {
        case "--config" -> file = Path.of(value);
        case "--models" -> flags.put("models_dir", value);
        case "--port" -> flags.put("http", new JsonObject().put("port", Integer.parseInt(value)));
        default -> throw new IllegalArgumentException("unknown option " + flag);
      }
    }
    JsonObject json = ConfigLoader.load(file, System.getenv(), System.getProperties()).mergeIn(flags, true);
    return ConfigLoader.parse(json, Runtime.getRuntime().availableProcessors());
  }
}
