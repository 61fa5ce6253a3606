package io.inferencegraph.config;

import io.inferencegraph.model.batch.BatchLimits;
import io.inferencegraph.model.load.ModelOptions;
import io.inferencegraph.model.load.SessionTuning;
import java.nio.file.Path;

/**
 * One model of the graph: its name (and so its event-bus address), what kind it is, where its
 * files come from, how many worker instances serve it (each with its own batch), how many ONNX
 * Runtime threads each call may use ({@link #AUTO} until {@link Plan} sizes them), and its
 * batching limits.
 */
public record ModelConfig(String name, Kind kind, ModelSource source, int instances, int intraOpThreads,
    String variant, String onnxFile, BatchLimits batching) {
  /** An instance or thread count the config leaves to {@link Sizing}. */
  public static final int AUTO = 0;

  /** A generator is fanned out to; the classifier scores each generated text. */
  public enum Kind { GENERATOR, CLASSIFIER }

  /** The local directory to load from (a Hub source must have been resolved). */
  public Path path() {
    return source.dir();
  }

  public ModelConfig withSource(ModelSource newSource) {
    return new ModelConfig(name, kind, newSource, instances, intraOpThreads, variant, onnxFile, batching);
  }

  /** The same model served by {@code newInstances} instances of {@code threads} threads each. */
  public ModelConfig withSizes(int newInstances, int threads) {
    return new ModelConfig(name, kind, source, newInstances, threads, variant, onnxFile, batching);
  }

  /** How to load it, its session tuned as {@code tuning} says. */
  public ModelOptions options(SessionTuning tuning) {
    return new ModelOptions(onnxFile, variant, intraOpThreads, true, tuning);
  }
}
