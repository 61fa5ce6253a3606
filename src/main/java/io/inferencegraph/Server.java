package io.inferencegraph;

import io.inferencegraph.cluster.ClusterNode;
import io.inferencegraph.config.ConfigException;
import io.inferencegraph.config.ConfigSource;
import io.inferencegraph.config.GraphConfig;
import io.inferencegraph.telemetry.Telemetry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts this node from a parsed configuration: Vert.x (clustered if asked) with telemetry, then
 * {@link MainVerticle}; SIGTERM drains ({@link GracefulShutdown}), then exits; SIGHUP reloads the configuration.
 */
public final class Server {
  private static final Logger LOG = LoggerFactory.getLogger(Server.class);

  private Server() {}

  /**
   * Returns once deployment has started; the JVM then lives on Vert.x's threads. {@code source} reads
   * the configuration again for a reload (SIGHUP or {@code POST /admin/reload}).
   */
  public static void start(GraphConfig config, ConfigSource source) {
    // before Vert.x and Hazelcast start their threads
    NativeHeap.configure(config.malloc().arenas(), config.malloc().trimIntervalMillis());
    VertxOptions options = new VertxOptions();
    Telemetry telemetry = Telemetry.fromEnvironment();
    VertxBuilder builder = telemetry.configure(Vertx.builder().with(options));
    ClusterNode cluster = config.cluster().enabled() ? joinCluster(builder, options, config) : null;
    Vertx vertx = telemetry.attach(cluster != null ? cluster.vertx() : builder.build());
    MainVerticle main = new MainVerticle(config, source, cluster != null ? cluster::status : null,
        MainVerticle.ObserverHook.NONE);
    vertx.deployVerticle(main).onSuccess(id -> {
      HangUpSignal.install(main::reload); // the outcome is logged by the reload itself
      if (config.malloc().trimIntervalMillis() > 0) {
        // loading parsed every model file into memory it has freed since: give those pages back now
        vertx.executeBlocking(() -> NativeHeap.glibc().map(NativeHeap::trim).orElse(false));
      }
    }).onFailure(error -> {
      LOG.error("start-up failed: {}", error.getMessage(), error);
      vertx.close();
      System.exit(1);
    });
    GracefulShutdown shutdown = new GracefulShutdown(vertx, main, cluster, config.shutdown());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> shutDown(shutdown, config.shutdown().drainTimeoutMs(),
        vertx, telemetry), "graph-shutdown"));
  }

  private static void shutDown(GracefulShutdown shutdown, long drainTimeoutMs, Vertx vertx, Telemetry telemetry) {
    try {
      // Two waits, not drain().eventually(close): a future tied to an event loop never completes
      // once close() has stopped that loop, and the hook would hang for the whole timeout.
      shutdown.drain().toCompletionStage().toCompletableFuture().get(drainTimeoutMs + 5000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warn("draining did not finish cleanly: {}", e.toString());
    }
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
      LOG.info("shutdown: closed");
    } catch (Exception e) {
      LOG.warn("shutdown did not finish cleanly: {}", e.toString());
    } finally {
      telemetry.close();
    }
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
}
