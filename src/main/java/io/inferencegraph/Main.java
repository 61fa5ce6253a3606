package io.inferencegraph;

import io.inferencegraph.cluster.ClusterNode;
import io.inferencegraph.config.ConfigException;
import io.inferencegraph.config.ConfigLoader;
import io.inferencegraph.config.GraphConfig;
import io.inferencegraph.telemetry.Telemetry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar inference-graph.jar [--config FILE] [--models DIR] [--port N] [--cluster] [--role R]}:
 * reads the configuration once, starts Vert.x (clustered if asked) and deploys this node's part of
 * the graph; SIGTERM drains, then exits.
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);
  private static final String USAGE = """
      usage: java -jar inference-graph.jar [--config FILE] [--models DIR] [--port N] [--cluster] [--role ROLES]
        --config FILE   configuration file (default conf/config.json, else the one in the jar; env GRAPH_CONFIG)
        --models DIR    directory holding the model directories (models_dir; env GRAPH_MODELS_DIR)
        --port N        HTTP port (http.port; env GRAPH_HTTP__PORT)
        --cluster       join the clustered event bus (cluster.enabled; env GRAPH_CLUSTER__ENABLED=true)
        --role ROLES    what this node runs: all (default), or a comma list of http, generators,
                        generator:NAME, classifier (roles; env GRAPH_ROLES)
        --members LIST  cluster members to join, host[:port],... (cluster.members; env GRAPH_CLUSTER__MEMBERS)
        --cluster-host IP   address to bind and advertise for Hazelcast and the event bus (cluster.host)
        --public-host HOST  address the other hosts reach this one at, behind NAT (cluster.public_host)
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
    VertxOptions options = new VertxOptions();
    Telemetry telemetry = Telemetry.fromEnvironment();
    VertxBuilder builder = telemetry.configure(Vertx.builder().with(options));
    ClusterNode cluster = config.cluster().enabled() ? joinCluster(builder, options, config) : null;
    Vertx vertx = telemetry.attach(cluster != null ? cluster.vertx() : builder.build());
    MainVerticle main = new MainVerticle(config, cluster != null ? cluster::status : null);
    vertx.deployVerticle(main).onFailure(error -> {
      LOG.error("start-up failed: {}", error.getMessage(), error);
      vertx.close();
      System.exit(1);
    });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("shutting down: draining in-flight requests");
      try {
        // Two waits, not drain().eventually(close): a future tied to an event loop never completes
        // once close() has stopped that loop, and the hook would hang for the whole timeout.
        main.drain().toCompletionStage().toCompletableFuture().get(75, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("draining did not finish cleanly: {}", e.toString());
      }
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("shutdown did not finish cleanly: {}", e.toString());
      } finally {
        telemetry.close();
      }
    }, "graph-shutdown"));
  }

  /** Blocks until this node has joined the cluster; exits if it cannot. */
  private static ClusterNode joinCluster(VertxBuilder builder, VertxOptions options, GraphConfig config) {
    try {
      return ClusterNode.join(builder, options, config).toCompletionStage().toCompletableFuture().join();
    } catch (CompletionException | ConfigException e) {
      LOG.error("cannot join the cluster: {}", e.getMessage(), e);
      System.exit(1);
      return null;
    }
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
      if (flag.equals("--cluster")) {
        cluster(flags).put("enabled", true);
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("missing value after " + flag);
      }
      String value = args[++i];
      switch (flag) {
        case "--config" -> file = Path.of(value);
        case "--models" -> flags.put("models_dir", value);
        case "--port" -> flags.put("http", new JsonObject().put("port", Integer.parseInt(value)));
        case "--role" -> flags.put("roles", value);
        case "--members" -> cluster(flags).put("members", value);
        case "--cluster-host" -> cluster(flags).put("host", value);
        case "--public-host" -> cluster(flags).put("public_host", value);
        default -> throw new IllegalArgumentException("unknown option " + flag);
      }
    }
    JsonObject json = ConfigLoader.load(file, System.getenv(), System.getProperties()).mergeIn(flags, true);
    return ConfigLoader.parse(json, Runtime.getRuntime().availableProcessors());
  }

  private static JsonObject cluster(JsonObject flags) {
    if (!flags.containsKey("cluster")) {
      flags.put("cluster", new JsonObject());
    }
    return flags.getJsonObject("cluster");
  }
}
