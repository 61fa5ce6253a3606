package io.inferencegraph;

import io.inferencegraph.api.Deadline;
import io.inferencegraph.bus.Addresses;
import io.inferencegraph.config.InvalidConfigException;
import io.inferencegraph.config.ModelConfig;
import io.inferencegraph.graph.plan.Problems;
import io.inferencegraph.model.batch.BatchQueue;
import io.inferencegraph.model.classify.TextClassifier;
import io.inferencegraph.model.generate.TextGenerator;
import io.inferencegraph.model.load.SessionTuning;
import io.inferencegraph.telemetry.Telemetry;
import io.inferencegraph.worker.ClassifierVerticle;
import io.inferencegraph.worker.Drain;
import io.inferencegraph.worker.GeneratorVerticle;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models this node serves: each loaded once, served by worker verticles on its address (the
 * instances share it) and answering on its health address. Loading is apart from serving, so that a
 * reload loads everything it needs before it changes anything. Used on MainVerticle's context only.
 */
final class ModelDeployments {
  private static final Logger LOG = LoggerFactory.getLogger(ModelDeployments.class);

  /** A model loaded from {@code config} with {@code tuning}, not yet served. */
  record Loaded(ModelConfig config, SessionTuning tuning, AutoCloseable model, String description,
      Supplier<? extends Deployable> worker) {}

  /** A model being served: its workers' deployment and its health consumer. */
  private record Served(Loaded loaded, String deployment, MessageConsumer<JsonObject> health) {}

  private final Vertx vertx;
  private final MainVerticle.ObserverHook observers;
  private final Map<String, Served> served = new LinkedHashMap<>();
  private int generation;
  /** How long stopped workers let accepted requests run: the batch queue's default until a drain sets a deadline. */
  private volatile Deadline drainUntil = Deadline.NONE;

  ModelDeployments(Vertx vertx, MainVerticle.ObserverHook observers) {
    this.vertx = vertx;
    this.observers = observers;
  }

  /** Whether {@code model} is served here exactly as {@code tuning} and its config say. */
  boolean servesAsIs(ModelConfig model, SessionTuning tuning) {
    Served current = served.get(model.name());
    return current != null && current.loaded().config().equals(model) && current.loaded().tuning().equals(tuning);
  }

  List<String> names() {
    return List.copyOf(served.keySet());
  }

  /**
   * Loads every model side by side (ONNX Runtime's loading is mostly one thread each). If any fails,
   * those that loaded are closed and the failure names every model that did not load (its cause: the
   * first failure).
   */
  Future<List<Loaded>> load(List<ModelConfig> models, SessionTuning tuning) {
    List<Future<Loaded>> loads = models.stream().map(model -> load(model, tuning)).toList();
    return Future.join(loads).transform(done -> {
      if (done.succeeded()) {
        return Future.succeededFuture(loads.stream().map(Future::result).toList());
      }
      List<Problems.Problem> problems = new ArrayList<>();
      for (int i = 0; i < loads.size(); i++) {
        if (loads.get(i).succeeded()) {
          close(loads.get(i).result().model());
        } else {
          problems.add(new Problems.Problem(true, "/models/" + models.get(i).name(),
              "cannot load: " + loads.get(i).cause().getMessage()));
        }
      }
      return Future.failedFuture(new InvalidConfigException(problems, done.cause()));
    });
  }

  /** Serves each loaded model; one already served under its name keeps serving until the new one does. */
  Future<Void> serve(List<Loaded> models) {
    return Future.all(models.stream().map(this::serve).toList()).mapEmpty();
  }

  /** Stops serving {@code name}: its workers finish what they accepted, then the model closes. */
  Future<Void> unload(String name) {
    Served gone = served.remove(name);
    return gone == null ? Future.succeededFuture() : retire(gone);
  }

  /**
   * Stops serving every model: the workers take nothing new and finish what they accepted until
   * {@code until}, then fail the rest with 503 shutting_down; then the models close.
   */
  Future<Void> retireAll(Deadline until) {
    drainUntil = until;
    List<Served> all = List.copyOf(served.values());
    served.clear();
    return Future.join(all.stream().map(this::retire).toList()).mapEmpty();
  }

  private final Drain drain = new Drain() {
    @Override
    public Duration left() {
      return drainLeft();
    }

    @Override
    public boolean leaving() {
      return !drainUntil.isNone();
    }
  };

  private Duration drainLeft() {
    return drainUntil.isNone() ? BatchQueue.DRAIN : Duration.ofMillis(drainUntil.remainingMillis());
  }

  /** At stop: the workers are already undeployed with their parent; only the models remain to close. */
  void closeAll() {
    served.values().forEach(s -> close(s.loaded().model()));
    served.clear();
  }

  private Future<Loaded> load(ModelConfig model, SessionTuning tuning) {
    if (model.kind() == ModelConfig.Kind.GENERATOR) {
      return vertx.executeBlocking(() -> TextGenerator.load(model.path(), model.options(tuning)), false)
          .map(generator -> new Loaded(model, tuning, generator, generator.describe(),
              () -> new GeneratorVerticle(model.name(), generator, model.batching(), observers.observe(model.name(),
                  Telemetry.of(vertx).generator(model.name()).batchObserver()), drain)));
    }
    return vertx.executeBlocking(() -> TextClassifier.load(model.path(), model.options(tuning)), false)
        .map(classifier -> new Loaded(model, tuning, classifier, classifier.describe(),
            () -> new ClassifierVerticle(model.name(), classifier, model.batching(), observers.observe(model.name(),
                Telemetry.of(vertx).model(model.name()).batchObserver()), drain)));
  }

  private Future<Void> serve(Loaded loaded) {
    ModelConfig model = loaded.config();
    // A pool of its own per deployment: a shared pool keeps the size it was created with.
    String pool = "model-" + model.name() + (served.containsKey(model.name()) ? "-" + ++generation : "");
    DeploymentOptions options = new DeploymentOptions()
        .setThreadingModel(ThreadingModel.WORKER)
        .setInstances(model.instances())
        .setWorkerPoolName(pool)
        .setWorkerPoolSize(model.instances());
    JsonObject info = new JsonObject().put("model", loaded.description()).put("instances", model.instances())
        .put("intra_op_threads", model.intraOpThreads());
    return vertx.deployVerticle(loaded.worker(), options).compose(id -> {
      MessageConsumer<JsonObject> health = vertx.eventBus().consumer(Addresses.health(model.name()),
          message -> message.reply(info));
      return health.completion().map(ignored -> new Served(loaded, id, health));
    }).compose(now -> {
      LOG.info("serving {} with {} instance(s) x {} ONNX Runtime thread(s)", loaded.description(),
          model.instances(), model.intraOpThreads());
      Served before = served.put(model.name(), now);
      return before == null ? Future.succeededFuture() : retire(before);
    }).onFailure(error -> close(loaded.model()));
  }

  /** The consumers go first, then the batch loops finish what they accepted, then the model closes. */
  private Future<Void> retire(Served gone) {
    return vertx.undeploy(gone.deployment())
        .eventually(() -> gone.health().unregister())
        .eventually(() -> vertx.executeBlocking(() -> {
          close(gone.loaded().model());
          return null;
        }))
        .onSuccess(ignored -> LOG.info("stopped serving {}", gone.loaded().description()))
        .mapEmpty();
  }

  private static void close(AutoCloseable model) {
    try {
      model.close();
    } catch (Exception e) {
      LOG.warn("closing a model failed", e);
    }
  }
}
