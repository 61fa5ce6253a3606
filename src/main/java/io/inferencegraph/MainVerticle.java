package io.inferencegraph;

import io.inferencegraph.api.Deadline;
import io.inferencegraph.config.ConfigSource;
import io.inferencegraph.config.GraphConfig;
import io.inferencegraph.config.InvalidConfigException;
import io.inferencegraph.config.Machines;
import io.inferencegraph.config.Plan;
import io.inferencegraph.http.HttpVerticle;
import io.inferencegraph.model.batch.BatchObserver;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads every model of this node's roles once, deploys a worker verticle per model (instances
 * sharing the model), then the HTTP verticle if the node is an edge. {@link #reload} reads the
 * configuration again and applies it without a restart. Undeploying it drains HTTP first, then
 * releases the models.
 */
public final class MainVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(MainVerticle.class);

  /** Wraps each model's batch observer; tests watch or hold a model's batch loop through it. */
  @FunctionalInterface
  public interface ObserverHook {
    ObserverHook NONE = (model, metrics) -> metrics;

    /** The observer model {@code model}'s batcher reports to, given the one that keeps its metrics. */
    BatchObserver observe(String model, BatchObserver metrics);
  }

  private final ConfigSource source;
  private final Supplier<JsonObject> clusterStatus;
  private final ObserverHook observers;
  private GraphConfig config;
  private ModelDeployments models;
  private HttpVerticle http;
  private String httpDeployment;
  /** The last reload asked for: the next one starts when it is done. On this verticle's context only. */
  private Future<?> reloads = Future.succeededFuture();

  /** {@code clusterStatus}: this node's cluster membership, shown on /readyz; null when not clustered. */
  public MainVerticle(GraphConfig config, Supplier<JsonObject> clusterStatus) {
    this(config, ConfigSource.NONE, clusterStatus, ObserverHook.NONE);
  }

  public MainVerticle(GraphConfig config, Supplier<JsonObject> clusterStatus, ObserverHook observers) {
    this(config, ConfigSource.NONE, clusterStatus, observers);
  }

  /** {@code source}: reads the configuration again for {@link #reload}, as it was read for {@code config}. */
  public MainVerticle(GraphConfig config, ConfigSource source, Supplier<JsonObject> clusterStatus,
      ObserverHook observers) {
    this.config = config;
    this.source = source;
    this.clusterStatus = clusterStatus;
    this.observers = observers;
  }

  @Override
  public Future<?> start() {
    models = new ModelDeployments(vertx, observers);
    return vertx.executeBlocking(() -> sized(config), false)
        .compose(sized -> {
          config = sized;
          return models.load(config.models().stream().filter(config.roles()::serves).toList(),
              config.sessionTuning());
        })
        .recover(error -> Future.failedFuture(error.getCause() != null ? error.getCause() : error)) // the model's own
        .compose(models::serve)
        .compose(done -> config.roles().http() ? deployHttp() : Future.succeededFuture());
  }

  /** The HTTP port actually bound; -1 on a node without the http role. */
  public int httpPort() {
    return http == null ? -1 : http.port();
  }

  /** Whether this node runs an HTTP edge. */
  public boolean servesHttp() {
    return http != null;
  }

  /** The first step of a shutdown on an edge: {@code /readyz} answers 503, requests are still served. */
  public void unready() {
    if (http != null) {
      http.unready();
    }
  }

  /** Stops the HTTP edge gracefully: no new requests, in-flight ones finish. */
  public Future<Void> drain() {
    return httpDeployment == null ? Future.succeededFuture() : vertx.undeploy(httpDeployment);
  }

  /**
   * Stops serving models: the workers take nothing new and finish what they accepted until {@code until},
   * then fail the rest; then the models close. For the end of a shutdown, after {@link #drain}.
   */
  public Future<Void> finishModels(Deadline until) {
    return Future.<Void>future(done -> context.runOnContext(ignored -> models.retireAll(until).onComplete(done)));
  }

  /**
   * Reads the configuration again and applies it: the graphs are swapped at once (requests already
   * routed finish on the old ones), this node's models are loaded, reloaded or unloaded to match.
   * A configuration that cannot be used, or a model that does not load, changes nothing and fails
   * with an {@link InvalidConfigException}. Reloads run one at a time, in the order asked, from any
   * thread. The answer lists what changed.
   */
  public Future<JsonObject> reload() {
    Promise<JsonObject> answer = Promise.promise();
    // On this context: the deployments become its children, and the models' map is only touched here.
    context.runOnContext(ignored -> {
      Future<JsonObject> next = reloads.transform(previous -> apply());
      reloads = next;
      next.onComplete(answer);
    });
    return answer.future();
  }

  @Override
  public Future<?> stop() {
    // Children (HTTP, then the workers) are undeployed before this runs, so no inference is in flight.
    models.closeAll();
    return Future.succeededFuture();
  }

  private Future<JsonObject> apply() {
    return vertx.executeBlocking(() -> sized(source.load()), false)
        .recover(error -> Future.failedFuture(InvalidConfigException.of(error)))
        .compose(next -> {
          ConfigChanges changes = ConfigChanges.of(config, next, models);
          return models.load(changes.modelsToLoad(), next.sessionTuning())
              .compose(loaded -> models.serve(loaded))
              .compose(served -> http == null ? Future.succeededFuture() : here(http.reload(next)))
              .compose(swapped -> unload(changes.models().removed()))
              .map(unloaded -> {
                config = next;
                LOG.info("configuration reloaded: {}", changes);
                return changes.toJson();
              });
        })
        .onFailure(error -> LOG.warn("configuration not reloaded: {}", error instanceof InvalidConfigException invalid
            ? invalid.problems() : error.toString()));
  }

  /** {@code raw} with its "auto" sizes chosen for this machine (config/Sizing), each choice logged. */
  private static GraphConfig sized(GraphConfig raw) {
    Plan plan = Plan.of(raw, Machines.current());
    plan.rows().forEach(row -> LOG.info("sizing {}", row.describe()));
    return plan.sized();
  }

  /** Once no request the old graphs took is still running, the models they alone used go. */
  private Future<Void> unload(List<String> removed) {
    if (removed.isEmpty()) {
      return Future.succeededFuture();
    }
    return (http == null ? Future.<Void>succeededFuture() : here(http.oldRequestsDone()))
        .compose(drained -> Future.all(removed.stream().map(models::unload).toList()).mapEmpty());
  }

  /** {@code future}, completed on this verticle's context (the HTTP verticle completes on its own). */
  private <T> Future<T> here(Future<T> future) {
    Promise<T> promise = Promise.promise();
    future.onComplete(done -> context.runOnContext(ignored -> promise.handle(done)));
    return promise.future();
  }

  private Future<String> deployHttp() {
    config.warnings().forEach(problem -> LOG.warn("graphs: {}", problem));
    http = new HttpVerticle(config, clusterStatus, this::reload);
    return vertx.deployVerticle(http).onSuccess(id -> {
      httpDeployment = id;
      LOG.info("inference graph listening on {}:{}; {}", config.http().host(), http.port(),
          config.http().access().describe());
    });
  }
}
