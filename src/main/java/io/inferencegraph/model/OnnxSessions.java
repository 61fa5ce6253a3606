package io.inferencegraph.model;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;

/** Opens ONNX Runtime sessions with thread counts set on purpose, never left to defaults. */
final class OnnxSessions {
  private OnnxSessions() {}

  static OrtEnvironment environment() {
    return OrtEnvironment.getEnvironment();
  }

  static OrtSession open(ModelDirectory dir, Path file, int intraOpThreads) {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(intraOpThreads);
      options.setInterOpNumThreads(1);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      return environment().createSession(file.toString(), options);
    } catch (OrtException e) {
      throw dir.fail("ONNX Runtime cannot load " + dir.root().relativize(file) + ": " + e.getMessage(), e);
    }
  }
}
