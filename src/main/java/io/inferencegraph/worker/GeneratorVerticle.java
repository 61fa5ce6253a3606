package io.inferencegraph.worker;

import io.inferencegraph.bus.Addresses;
import io.inferencegraph.bus.Messages;
import io.inferencegraph.model.BatchLimits;
import io.inferencegraph.model.BatchObserver;
import io.inferencegraph.model.ContinuousBatcher;
import io.inferencegraph.model.TextGenerator;
import io.inferencegraph.telemetry.InferenceStats;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CompletableFuture;

/**
 * Serves one text-generation model on its address. Each instance runs its own continuous batch
 * over the shared model: requests join the batch and are answered as their sequences finish.
 */
public final class GeneratorVerticle extends ModelVerticle<ContinuousBatcher.Result> {
  private final TextGenerator generator;
  private final BatchLimits limits;
  private final BatchObserver observer;
  private ContinuousBatcher batcher;

  public GeneratorVerticle(String name, TextGenerator generator, BatchLimits limits, BatchObserver observer) {
    super(name, Addresses.generator(name), "generate");
    this.generator = generator;
    this.limits = limits;
    this.observer = observer;
  }

  @Override
  ContinuousBatcher openBatcher() {
    batcher = ContinuousBatcher.start(generator, limits, observer);
    return batcher;
  }

  @Override
  CompletableFuture<ContinuousBatcher.Result> submit(JsonObject request) {
    return batcher.submit(Messages.text(request), Messages.parameters(request));
  }

  @Override
  JsonObject reply(ContinuousBatcher.Result result, long startedMicros) {
    return Messages.generateReply(name, result, startedMicros);
  }

  @Override
  InferenceStats stats(ContinuousBatcher.Result result) {
    return Inferences.of(result);
  }
}
