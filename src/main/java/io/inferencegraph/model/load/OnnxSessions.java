package io.inferencegraph.model.load;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;

/**
 * Opens ONNX Runtime sessions with thread counts and memory use set on purpose, never left to
 * defaults. Sessions load from the file path, so ONNX Runtime reads the graph once and keeps no
 * Java-side copy of it.
 */
public final class OnnxSessions {
  private OnnxSessions() {}

  public static OrtEnvironment environment() {
    return OrtEnvironment.getEnvironment();
  }

  public static OrtSession open(ModelDirectory dir, Path file, ModelOptions model) {
    SessionMemory chosen = model.memory();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(model.intraOpThreads());
      options.setInterOpNumThreads(1);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      options.setCPUArenaAllocator(chosen.cpuArena());
      if (!chosen.prepacking()) {
        options.addConfigEntry("session.disable_prepacking", "1");
      }
      return environment().createSession(file.toString(), options);
    } catch (OrtException e) {
      throw dir.fail("ONNX Runtime cannot load " + dir.root().relativize(file) + ": " + e.getMessage(), e);
    }
  }
}
