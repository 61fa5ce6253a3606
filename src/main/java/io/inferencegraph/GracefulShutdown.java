package io.inferencegraph;

import io.inferencegraph.api.Deadline;
import io.inferencegraph.cluster.ClusterNode;
import io.inferencegraph.config.ShutdownConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What SIGTERM does before Vert.x closes, one logged phase after the other, all within
 * {@code shutdown.drain_timeout_ms}: an edge answers {@code /readyz} 503 from the start; (1) in a
 * cluster, every member is told to send no new model work here and confirms; (2) an edge keeps
 * serving until {@code unready_delay_ms} has passed, then stops accepting and lets its in-flight
 * requests finish; (3) the models finish what they accepted (streams included), and past the
 * deadline fail the rest with 503 shutting_down.
 */
public final class GracefulShutdown {
  private static final Logger LOG = LoggerFactory.getLogger(GracefulShutdown.class);

  private final Vertx vertx;
  private final MainVerticle main;
  private final ClusterNode cluster;
  private final ShutdownConfig config;
  private final Promise<Void> announced = Promise.promise();

  /** {@code cluster}: null when this node is not clustered. */
  public GracefulShutdown(Vertx vertx, MainVerticle main, ClusterNode cluster, ShutdownConfig config) {
    this.vertx = vertx;
    this.main = main;
    this.cluster = cluster;
    this.config = config;
  }

  /**
   * Runs the phases; completes when they are done or the drain timeout has passed, whichever is first
   * (never failed: a phase that fails is logged and the next one runs). Vert.x may then be closed.
   */
  public Future<Void> drain() {
    Deadline until = Deadline.in(config.drainTimeoutMs());
    LOG.info("shutting down: draining for at most {} ms", config.drainTimeoutMs());
    if (main.servesHttp()) {
      main.unready(); // at once, so that load balancers learn of it as early as possible
      LOG.info("shutdown: /readyz answers 503; HTTP stops accepting in {} ms", config.unreadyDelayMs());
    }
    Future<Void> phases = announce()
        .andThen(done -> announced.tryComplete())
        .transform(done -> http())
        .transform(edgeDone -> {
          LOG.info("shutdown: models finish the requests they accepted");
          return main.finishModels(until);
        })
        .transform(done -> {
          LOG.info(done.succeeded() ? "shutdown: drained; leaving" : "shutdown: draining failed ({}); leaving",
              done.failed() ? done.cause().toString() : "");
          return Future.<Void>succeededFuture();
        });
    Promise<Void> bounded = Promise.promise();
    phases.onComplete(done -> bounded.tryComplete());
    long timer = vertx.setTimer(Math.max(1, config.drainTimeoutMs()), id -> {
      if (bounded.tryComplete()) {
        LOG.warn("shutdown: drain timeout ({} ms) reached with work still running; leaving anyway",
            config.drainTimeoutMs());
      }
    });
    return bounded.future().onComplete(done -> vertx.cancelTimer(timer));
  }

  /** Completes once the cluster has been told (or a node outside a cluster has begun to drain). */
  public Future<Void> announced() {
    return announced.future();
  }

  private Future<Void> announce() {
    if (cluster == null) {
      return Future.succeededFuture();
    }
    LOG.info("shutdown: telling the cluster to send no new model work here");
    return cluster.announceDraining().onFailure(error -> LOG.warn("shutdown: announcing failed: {}", error.toString()));
  }

  private Future<Void> http() {
    if (!main.servesHttp()) {
      return Future.succeededFuture();
    }
    Promise<Void> delayed = Promise.promise();
    vertx.setTimer(Math.max(1, config.unreadyDelayMs()), id -> delayed.complete());
    return delayed.future()
        .compose(v -> {
          LOG.info("shutdown: HTTP accepts no new requests; in-flight ones finish");
          return main.drain();
        })
        .onSuccess(v -> LOG.info("shutdown: HTTP drained"))
        .onFailure(error -> LOG.warn("shutdown: HTTP did not drain cleanly: {}", error.toString()));
  }
}
