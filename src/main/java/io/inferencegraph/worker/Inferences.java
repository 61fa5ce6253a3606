package io.inferencegraph.worker;

import io.inferencegraph.model.batch.BatchStats;
import io.inferencegraph.model.classify.Classification;
import io.inferencegraph.model.classify.ClassifierBatcher;
import io.inferencegraph.model.generate.ContinuousBatcher;
import io.inferencegraph.model.generate.Generation;
import io.inferencegraph.telemetry.InferenceStats;
import java.util.List;

/** What a batcher's answer tells telemetry: tokens in and out, batch size, queue and ONNX Runtime time. */
final class Inferences {
  private Inferences() {}

  static InferenceStats of(ContinuousBatcher.Result result) {
    List<Generation> generations = result.generations();
    int prompt = generations.isEmpty() ? 0 : generations.get(0).promptTokens();
    int generated = generations.stream().mapToInt(Generation::newTokens).sum();
    return stats(prompt, generated, result.stats());
  }

  static InferenceStats of(ClassifierBatcher.Result result) {
    return stats(result.classifications().stream().mapToInt(Classification::tokens).sum(), 0, result.stats());
  }

  private static InferenceStats stats(int promptTokens, int newTokens, BatchStats batch) {
    return new InferenceStats(promptTokens, newTokens, batch.batchSize(), batch.queuedNanos(), batch.runNanos());
  }
}
