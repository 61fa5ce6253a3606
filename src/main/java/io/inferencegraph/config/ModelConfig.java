package io.inferencegraph.config;

import io.inferencegraph.model.BatchLimits;
import io.inferencegraph.model.ModelOptions;
import java.nio.file.Path;

/**
 * One model of the graph: its name (and so its event-bus address), its directory, how many worker
 * instances serve it (each with its own batch), how many ONNX Runtime threads each call may use,
 * and its batching limits.
 */
public record ModelConfig(String name, Path path, int instances, int intraOpThreads, String variant, String onnxFile,
    BatchLimits batching) {
  public ModelOptions options() {
    return new ModelOptions(onnxFile, variant, intraOpThreads, true);
  }
}
