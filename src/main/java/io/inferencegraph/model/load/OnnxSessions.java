package io.inferencegraph.model.load;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens ONNX Runtime sessions with thread counts and memory use set on purpose, never left to
 * defaults. A graph is loaded from its cached optimised copy when there is one (see
 * {@link GraphCache}); otherwise from its file, writing that copy on the way. Any failure of the
 * cache falls back to the original file.
 */
public final class OnnxSessions {
  private static final Logger LOG = LoggerFactory.getLogger(OnnxSessions.class);

  /** Where a session's graph came from. */
  public enum Source { CACHED, WRITTEN, ORIGINAL }

  /** A session and where its graph came from. */
  public record Opened(OrtSession session, Source source) {}

  private OnnxSessions() {}

  public static OrtEnvironment environment() {
    return OrtEnvironment.getEnvironment();
  }

  /** How a session opened with {@code model} gets onto the node's cores: see {@link CoreTurns}. */
  public static CoreTurns.Turn turn(ModelOptions model) {
    return CoreTurns.node().turn(model.intraOpThreads(), model.tuning().coreTurns());
  }

  public static OrtSession open(ModelDirectory dir, Path file, ModelOptions model) {
    return open(dir, file, model, environment().getVersion()).session();
  }

  /** Opens {@code file}, caching its optimised graph under the key of {@code runtimeVersion}. */
  public static Opened open(ModelDirectory dir, Path file, ModelOptions model, String runtimeVersion) {
    long started = System.nanoTime();
    Opened opened = openSession(dir, file, model, runtimeVersion);
    LOG.info("opened {} in {} ms ({})", dir.root().getFileName().resolve(dir.root().relativize(file)), (System.nanoTime() - started) / 1_000_000,
        switch (opened.source()) {
          case CACHED -> "from the cached optimised graph";
          case WRITTEN -> "optimised and cached";
          case ORIGINAL -> "optimised, not cached";
        });
    return opened;
  }

  private static Opened openSession(ModelDirectory dir, Path file, ModelOptions model, String runtimeVersion) {
    Optional<Path> cached = GraphCache.location(file, runtimeVersion);
    try {
      if (cached.isPresent()) {
        for (Path copy : List.of(cached.get(), GraphCache.ortFormat(cached.get()))) {
          OrtSession session = Files.isRegularFile(copy) ? fromCache(copy, model) : null;
          if (session != null) {
            return new Opened(session, Source.CACHED);
          }
        }
        Opened written = writingCache(file, cached.get(), model);
        if (written != null) {
          return written;
        }
      }
      try (OrtSession.SessionOptions options = options(model, OrtSession.SessionOptions.OptLevel.ALL_OPT)) {
        return new Opened(environment().createSession(file.toString(), options), Source.ORIGINAL);
      }
    } catch (OrtException e) {
      throw dir.fail("ONNX Runtime cannot load " + dir.root().relativize(file) + ": " + e.getMessage(), e);
    }
  }

  private static OrtSession fromCache(Path cached, ModelOptions model) {
    try (OrtSession.SessionOptions options = options(model, OrtSession.SessionOptions.OptLevel.NO_OPT)) {
      // from the ONNX copy, ONNX Runtime maps the data file and takes the pre-packed weights as they are
      return environment().createSession(cached.toString(), options);
    } catch (OrtException | RuntimeException e) {
      LOG.warn("the cached graph {} cannot be loaded ({}); loading the original and writing it again", cached, e.getMessage());
      GraphCache.discard(cached);
      return null;
    }
  }

  /**
   * Optimises {@code file} into a session and saves the optimised graph on the way: as ONNX with the
   * pre-packed weights in its external data, opened once from the staging directory to prove that it
   * loads; where it does not (ONNX Runtime 1.23 writes duplicate initializer names into graphs with
   * {@code If} subgraphs, such as optimum's merged decoders), in the ORT format, whose weights are
   * pre-packed again at each load. The session is {@code ORIGINAL} where no copy was kept; null when
   * nothing could be optimised.
   */
  private static Opened writingCache(Path file, Path cached, ModelOptions model) throws OrtException {
    Path staging;
    try {
      staging = GraphCache.staging(cached);
    } catch (IOException e) {
      LOG.info("no graph cache for {}: {}", file, e.toString());
      return null;
    }
    OrtSession session = null;
    try {
      session = optimised(file, staging.resolve(cached.getFileName()), model, true);
      if (loads(staging.resolve(cached.getFileName()), model)) {
        GraphCache.publish(staging, cached);
        return new Opened(session, Source.WRITTEN);
      }
      if (!GraphCache.externalData(file).isEmpty()) {
        LOG.info("ONNX Runtime cannot read back its ONNX copy of {}, and the ORT format stops at 2 GiB: not cached", file);
        return new Opened(session, Source.ORIGINAL);
      }
      session.close();
      session = null;
      Path ort = GraphCache.ortFormat(cached);
      session = optimised(file, staging.resolve(ort.getFileName()), model, false);
      GraphCache.publish(staging, ort);
      LOG.info("ONNX Runtime cannot read back its ONNX copy of {}; cached in the ORT format instead, pre-packed at each load", file);
      return new Opened(session, Source.WRITTEN);
    } catch (OrtException | IOException | RuntimeException e) {
      LOG.info("the optimised graph of {} was not cached: {}", file, e.getMessage());
      return session == null ? null : new Opened(session, Source.ORIGINAL);
    } finally {
      GraphCache.clean(staging);
    }
  }

  private static OrtSession optimised(Path file, Path copy, ModelOptions model, boolean onnx) throws OrtException {
    try (OrtSession.SessionOptions options = options(model, OrtSession.SessionOptions.OptLevel.EXTENDED_OPT)) {
      // the name picks the format (.ort or .onnx); initializers of 1 KiB and more (ONNX Runtime's default)
      // go to the data file, pre-packed copies beside them
      options.setOptimizedModelFilePath(copy.toString());
      if (onnx) {
        options.addConfigEntry("session.optimized_model_external_initializers_file_name",
            GraphCache.data(copy).getFileName().toString());
        options.addConfigEntry("session.save_external_prepacked_constant_initializers", "1");
      }
      return environment().createSession(file.toString(), options);
    }
  }

  private static boolean loads(Path copy, ModelOptions model) {
    try (OrtSession.SessionOptions options = options(model, OrtSession.SessionOptions.OptLevel.NO_OPT);
        OrtSession ignored = environment().createSession(copy.toString(), options)) {
      return true;
    } catch (OrtException | RuntimeException e) {
      return false;
    }
  }

  static OrtSession.SessionOptions options(ModelOptions model, OrtSession.SessionOptions.OptLevel level)
      throws OrtException {
    SessionTuning chosen = model.tuning();
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    try {
      options.setIntraOpNumThreads(model.intraOpThreads());
      options.setInterOpNumThreads(1);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      options.setOptimizationLevel(level);
      options.setCPUArenaAllocator(chosen.cpuArena());
      if (!chosen.spinning()) {
        options.addConfigEntry("session.intra_op.allow_spinning", "0");
      }
      if (!chosen.prepacking()) {
        options.addConfigEntry("session.disable_prepacking", "1");
      }
      return options;
    } catch (OrtException e) {
      options.close();
      throw e;
    }
  }
}
