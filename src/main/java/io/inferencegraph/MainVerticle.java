package io.inferencegraph;

import io.inferencegraph.bus.Addresses;
import io.inferencegraph.config.GraphConfig;
import io.inferencegraph.config.ModelConfig;
import io.inferencegraph.http.HttpVerticle;
import io.inferencegraph.model.batch.BatchObserver;
import io.inferencegraph.model.classify.TextClassifier;
import io.inferencegraph.model.generate.TextGenerator;
import io.inferencegraph.telemetry.Telemetry;
import io.inferencegraph.worker.ClassifierVerticle;
import io.inferencegraph.worker.GeneratorVerticle;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads every model of this node's roles once, deploys a worker verticle per model (instances
 * sharing the model), then the HTTP verticle if the node is an edge. Undeploying it drains HTTP
 * first, then releases the models.
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

  private final GraphConfig config;
  private final Supplier<JsonObject> clusterStatus;
  private final ObserverHook observers;
  private final List<AutoCloseable> models = new ArrayList<>();
  private HttpVerticle http;
  private String httpDeployment;

  /** {@code clusterStatus}: this node's cluster membership, shown on /readyz; null when not clustered. */
  public MainVerticle(GraphConfig config, Supplier<JsonObject> clusterStatus) {
    this(config, clusterStatus, ObserverHook.NONE);
  }

  public MainVerticle(GraphConfig config, Supplier<JsonObject> clusterStatus, ObserverHook observers) {
    this.config = config;
    this.clusterStatus = clusterStatus;
    this.observers = observers;
  }

  @Override
  public Future<?> start() {
    List<Future<?>> workers = new ArrayList<>();
    for (ModelConfig model : config.generators()) {
      if (config.roles().servesGenerator(model.name())) {
        workers.add(deployGenerator(model));
      }
    }
    if (config.roles().classifier()) {
      workers.add(deployClassifier(config.classifier()));
    }
    return Future.all(workers).compose(done -> config.roles().http() ? deployHttp() : Future.succeededFuture());
  }

  /** The HTTP port actually bound; -1 on a node without the http role. */
  public int httpPort() {
    return http == null ? -1 : http.port();
  }

  /** Stops the HTTP edge gracefully: no new requests, in-flight ones finish. */
  public Future<Void> drain() {
    return httpDeployment == null ? Future.succeededFuture() : vertx.undeploy(httpDeployment);
  }

  @Override
  public Future<?> stop() {
    // Children (HTTP, then the workers) are undeployed before this runs, so no inference is in flight.
    for (AutoCloseable model : models) {
      try {
        model.close();
      } catch (Exception e) {
        LOG.warn("closing a model failed", e);
      }
    }
    return Future.succeededFuture();
  }

  private Future<String> deployGenerator(ModelConfig model) {
    // Unordered: the models load side by side (ONNX Runtime's loading is mostly one thread each).
    return vertx.executeBlocking(() -> track(TextGenerator.load(model.path(), model.options(config.sessionMemory()))), false)
        .compose(generator -> serve(model, generator.describe(), () -> new GeneratorVerticle(model.name(), generator,
            model.batching(), observer(model))));
  }

  private Future<String> deployClassifier(ModelConfig model) {
    return vertx.executeBlocking(() -> track(TextClassifier.load(model.path(), model.options(config.sessionMemory()))), false)
        .compose(classifier -> serve(model, classifier.describe(), () -> new ClassifierVerticle(model.name(),
            classifier, model.batching(), observer(model))));
  }

  private BatchObserver observer(ModelConfig model) {
    return observers.observe(model.name(), Telemetry.of(vertx).model(model.name()).batchObserver());
  }

  private Future<String> deployHttp() {
    http = new HttpVerticle(config, clusterStatus);
    return vertx.deployVerticle(http).onSuccess(id -> {
      httpDeployment = id;
      LOG.info("inference graph listening on {}:{}; {}", config.http().host(), http.port(),
          config.http().access().describe());
    });
  }

  private Future<String> serve(ModelConfig model, String description, Supplier<? extends Deployable> worker) {
    DeploymentOptions options = new DeploymentOptions()
        .setThreadingModel(ThreadingModel.WORKER)
        .setInstances(model.instances())
        .setWorkerPoolName("model-" + model.name())
        .setWorkerPoolSize(model.instances());
    JsonObject info = new JsonObject().put("model", description).put("instances", model.instances())
        .put("intra_op_threads", model.intraOpThreads());
    return vertx.deployVerticle(worker, options)
        .compose(id -> vertx.eventBus().consumer(Addresses.health(model.name()), message -> message.reply(info))
            .completion().map(id))
        .onSuccess(id -> LOG.info("serving {} with {} instance(s) x {} ONNX Runtime thread(s)", description,
            model.instances(), model.intraOpThreads()));
  }

  private synchronized <T extends AutoCloseable> T track(T model) {
    models.add(model);
    return model;
  }
}
