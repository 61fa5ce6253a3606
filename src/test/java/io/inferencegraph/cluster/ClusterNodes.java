package io.inferencegraph.cluster;

import io.inferencegraph.MainVerticle;
import io.inferencegraph.TestGraphs;
import io.inferencegraph.config.ConfigLoader;
import io.inferencegraph.config.GraphConfig;
import io.inferencegraph.telemetry.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Clustered graph nodes on loopback in one JVM: each its own Vert.x and Hazelcast member, all in a
 * cluster named for the test run so that concurrent runs on the same host never mix.
 */
final class ClusterNodes {
  private static final int HAZELCAST_PORT = 5901;

  private final String clusterName = "graph-test-" + UUID.randomUUID();

  /** A started node: its cluster membership and the graph verticle it runs. */
  record Node(GraphConfig config, ClusterNode cluster, MainVerticle main) {
    Vertx vertx() {
      return cluster.vertx();
    }

    int httpPort() {
      return main.httpPort();
    }

    Future<Void> stop() {
      return cluster.vertx().close();
    }
  }

  /**
   * conf/config.json with these roles, joined to this test's cluster on 127.0.0.1. Every model runs
   * one instance, whatever the core count: nodes sharing a model then weigh the same on the bus.
   */
  GraphConfig config(String roles, JsonObject overrides) {
    JsonObject cluster = new JsonObject()
        .put("enabled", true)
        .put("name", clusterName)
        .put("host", "127.0.0.1")
        .put("members", members())
        .put("port", HAZELCAST_PORT)
        .put("event_bus_port", 0);
    JsonObject shipped = ConfigLoader.load(Path.of("conf/config.json"), Map.of(), new Properties());
    JsonObject models = new JsonObject();
    shipped.getJsonObject("models").forEach(m -> models.put(m.getKey(), new JsonObject().put("instances", 1)));
    JsonObject json = new JsonObject().put("roles", roles).put("cluster", cluster).put("models", models);
    return TestGraphs.config(json.mergeIn(overrides, true));
  }

  // Several test JVMs on one host may hold some of these ports; their clusters have other names.
  private static String members() {
    return IntStream.range(HAZELCAST_PORT, HAZELCAST_PORT + 10).mapToObj(port -> "127.0.0.1:" + port)
        .collect(Collectors.joining(","));
  }

  /** Joins the cluster, then deploys the node's part of the graph. */
  Future<Node> start(String roles) {
    return start(config(roles, new JsonObject()));
  }

  /** Joins the cluster, traced and metered as Main does, then deploys the node's part of the graph. */
  Future<Node> start(String roles, Telemetry telemetry) {
    GraphConfig config = config(roles, new JsonObject());
    VertxOptions options = new VertxOptions();
    return ClusterNode.join(telemetry.configure(Vertx.builder()), options, config)
        .compose(cluster -> deploy(config, cluster, telemetry.attach(cluster.vertx())));
  }

  Future<ClusterNode> join(GraphConfig config) {
    VertxOptions options = new VertxOptions();
    return ClusterNode.join(Vertx.builder(), options, config);
  }

  /** Joins the cluster, then deploys the node's part of the graph, its batch loops observed through {@code hook}. */
  Future<Node> start(String roles, MainVerticle.ObserverHook hook) {
    GraphConfig config = config(roles, new JsonObject());
    return join(config).compose(cluster -> {
      MainVerticle main = new MainVerticle(config, cluster::status, hook);
      return cluster.vertx().deployVerticle(main).map(id -> new Node(config, cluster, main));
    });
  }

  Future<Node> start(GraphConfig config) {
    return start(config, MainVerticle.ObserverHook.NONE);
  }

  /** As {@link #start(GraphConfig)}, each model's batch loop watched (or held) through {@code observers}. */
  Future<Node> start(GraphConfig config, MainVerticle.ObserverHook observers) {
    return join(config).compose(cluster -> deploy(config, cluster, cluster.vertx(), observers));
  }

  private static Future<Node> deploy(GraphConfig config, ClusterNode cluster, Vertx vertx) {
    return deploy(config, cluster, vertx, MainVerticle.ObserverHook.NONE);
  }

  private static Future<Node> deploy(GraphConfig config, ClusterNode cluster, Vertx vertx,
      MainVerticle.ObserverHook observers) {
    MainVerticle main = new MainVerticle(config, cluster::status, observers);
    return vertx.deployVerticle(main).map(id -> new Node(config, cluster, main));
  }
}
