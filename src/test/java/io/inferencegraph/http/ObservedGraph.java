package io.inferencegraph.http;

import io.inferencegraph.config.GraphConfig;
import io.inferencegraph.config.ModelConfig;
import io.inferencegraph.model.BatchLimits;
import io.inferencegraph.model.BatchObserver;
import io.inferencegraph.model.TextClassifier;
import io.inferencegraph.model.TextGenerator;
import io.inferencegraph.telemetry.Telemetry;
import io.inferencegraph.worker.ClassifierVerticle;
import io.inferencegraph.worker.GeneratorVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.concurrent.ConcurrentHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The shipped graph deployed piece by piece (one worker per model, then the HTTP edge), with a
 * {@link Steps} on every model's batch loop (metrics still counted) and chosen batch limits:
 * what MainVerticle does, opened up for tests that must watch or hold a batch.
 */
final class ObservedGraph implements AutoCloseable {
  final Map<String, Steps> steps = new ConcurrentHashMap<>();
  private final List<AutoCloseable> models = new ArrayList<>();
  private final Vertx vertx;
  private HttpVerticle http;

  ObservedGraph(Vertx vertx) {
    this.vertx = vertx;
  }

  int port() {
    return http.port();
  }

  /** Deploys every model of {@code config} with {@code limits} applied to its configured ones. */
  Future<ObservedGraph> deploy(GraphConfig config, Function<ModelConfig, BatchLimits> limits) {
    List<Future<String>> workers = new ArrayList<>();
    for (ModelConfig model : config.generators()) {
      workers.add(vertx.executeBlocking(() -> track(TextGenerator.load(model.path(), model.options())))
          .compose(g -> worker(new GeneratorVerticle(model.name(), g, limits.apply(model), observer(model)))));
    }
    ModelConfig classifier = config.classifier();
    workers.add(vertx.executeBlocking(() -> track(TextClassifier.load(classifier.path(), classifier.options())))
        .compose(c -> worker(new ClassifierVerticle(classifier.name(), c, limits.apply(classifier),
            observer(classifier)))));
    return Future.all(workers).compose(done -> {
      http = new HttpVerticle(config);
      return vertx.deployVerticle(http);
    }).map(this);
  }

  private BatchObserver observer(ModelConfig model) {
    Steps log = new Steps();
    steps.put(model.name(), log);
    BatchObserver metrics = Telemetry.of(vertx).model(model.name()).batchObserver();
    return new BatchObserver() {
      @Override
      public void onStep(int batchSize, long nanos, int queued) {
        metrics.onStep(batchSize, nanos, queued);
        log.onStep(batchSize, nanos, queued);
      }

      @Override
      public void onCancelled() {
        log.onCancelled();
      }

      @Override
      public void onExpired() {
        log.onExpired();
      }
    };
  }

  private Future<String> worker(io.vertx.core.Deployable verticle) {
    return vertx.deployVerticle(verticle, new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER));
  }

  private synchronized <T extends AutoCloseable> T track(T model) {
    models.add(model);
    return model;
  }

  /** Closes the models; call once the verticles are undeployed (Vert.x closed). */
  @Override
  public void close() throws Exception {
    for (AutoCloseable model : models) {
      model.close();
    }
  }
}
