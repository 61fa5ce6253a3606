package io.inferencegraph.model.decode;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.inferencegraph.model.load.CoreTurns;
import io.inferencegraph.model.load.DecoderConfig;
import io.inferencegraph.model.load.ModelDirectory;
import io.inferencegraph.model.load.ModelLoadException;
import io.inferencegraph.model.load.ModelOptions;
import io.inferencegraph.model.load.OnnxSessions;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A causal-LM ONNX graph and what its inputs say about how to drive it: with a KV cache
 * ({@code past_key_values.*}), merged (with {@code use_cache_branch}), or full recompute; with or
 * without a {@code position_ids} input; KV cache and logits in float32 or float16.
 */
public final class DecoderGraph implements AutoCloseable {
  public enum Kind { WITH_PAST, MERGED, NO_PAST }

  /** Default file names, in order of preference: cached decoders first. */
  public static final List<String> FILES = List.of("model", "decoder_model_merged", "decoder_with_past_model", "decoder_model");

  private static final String WITH_PAST_FILE = "decoder_with_past_model";
  private static final String NO_PAST_FILE = "decoder_model";

  /** A with-past graph of the legacy pair and the no-past graph that prefills it, by base name. */
  public static final Map<String, String> COMPANIONS = Map.of(WITH_PAST_FILE, NO_PAST_FILE);

  private static final String INPUT_IDS = DecoderSignature.INPUT_IDS;
  private static final String ATTENTION_MASK = DecoderSignature.ATTENTION_MASK;
  private static final String POSITION_IDS = DecoderSignature.POSITION_IDS;
  private static final String USE_CACHE_BRANCH = DecoderSignature.USE_CACHE_BRANCH;
  private static final String LOGITS = DecoderSignature.LOGITS;

  final OrtSession session;
  /** Its way onto the node's cores: see CoreTurns. */
  private final CoreTurns.Turn turn;
  final Path file;
  final Kind kind;
  /** What its inputs and outputs are: names, head shapes, element types, vocabulary. */
  final DecoderSignature signature;
  /** decoder_model.onnx beside a decoder_with_past_model.onnx: what runs the prefill, as optimum did. */
  private DecoderGraph prefill;

  private DecoderGraph(ModelDirectory dir, Path file, OrtSession session, DecoderConfig config, CoreTurns.Turn turn)
      throws OrtException {
    this.session = session;
    this.turn = turn;
    this.file = file;
    signature = new DecoderSignature(dir, dir.root().relativize(file).toString(), session, config);
    kind = signature.kind;
  }

  public Kind kind() {
    return kind;
  }

  /**
   * Bytes of keys and values one token of one row takes: layers × 2 (key and value) × heads ×
   * head size × element size; 0 when decoding recomputes without a cache.
   */
  public long kvBytesPerToken(boolean useCache) {
    if (!useCache || kind == Kind.NO_PAST) {
      return 0;
    }
    long bytes = 0;
    for (int t = 0; t < signature.pastNames.size(); t++) {
      bytes += signature.pastHeads[t] * signature.pastHeadDims[t] * signature.pastType.size;
    }
    return bytes;
  }

  /** The graph file, and the one that runs the prefill if it is another. */
  public String files() {
    return file.getFileName() + (prefill == null ? "" : " + " + prefill.file.getFileName() + " for prefill");
  }

  /** True when the graph derives positions from the past length: only rows of equal length may share a call. */
  boolean positionsFromPast() {
    return !signature.hasPositionIds || (prefill != null && !prefill.signature.hasPositionIds);
  }

  public static DecoderGraph open(ModelDirectory dir, DecoderConfig config, ModelOptions options) {
    Path file = options.onnxFile() != null
        ? dir.onnxFile(options.onnxFile())
        : dir.onnxFile(FILES, options.variant());
    DecoderGraph graph = open(dir, file, config, options);
    Path companion = prefillCompanion(file);
    if (graph.kind == Kind.WITH_PAST && companion != null) {
      try {
        graph.prefill = open(dir, companion, config, options);
        graph.checkPrefill(dir);
      } catch (RuntimeException e) {
        graph.closeQuietly();
        throw e;
      }
    }
    return graph;
  }

  private static DecoderGraph open(ModelDirectory dir, Path file, DecoderConfig config, ModelOptions options) {
    OrtSession session = OnnxSessions.open(dir, file, options);
    try {
      return new DecoderGraph(dir, file, session, config, OnnxSessions.turn(options));
    } catch (OrtException | RuntimeException e) {
      closeQuietly(session);
      throw e instanceof ModelLoadException m ? m : dir.fail("cannot inspect " + file.getFileName() + ": " + e, e);
    }
  }

  /**
   * decoder_model{suffix}.onnx beside decoder_with_past_model{suffix}.onnx. Optimum ran the first
   * pass through it and fed the with-past graph only a real past, so that is the path these pairs
   * were exported and validated for.
   */
  private static Path prefillCompanion(Path file) {
    String name = file.getFileName().toString();
    if (!name.startsWith(WITH_PAST_FILE)) {
      return null;
    }
    Path companion = file.resolveSibling(NO_PAST_FILE + name.substring(WITH_PAST_FILE.length()));
    return Files.isRegularFile(companion) ? companion : null;
  }

  private void checkPrefill(ModelDirectory dir) {
    if (prefill.kind != Kind.NO_PAST || !prefill.signature.presentNames.equals(signature.presentNames)
        || prefill.signature.pastType != signature.pastType) {
      throw dir.fail(prefill.name(dir) + " does not match " + name(dir) + ": expected a decoder without past inputs"
          + " whose outputs " + signature.presentNames + " are " + signature.pastType);
    }
  }

  /**
   * Runs one forward pass. Logits are written into {@code scratch}, a reusable direct buffer, so
   * that a long prefill does not copy [rows, length, vocab] floats onto the heap; the present KV
   * cache is written into the step's target buffers, so ONNX Runtime allocates no KV output.
   */
  DecodeStep.Output run(DecodeStep step, LogitsScratch scratch) throws OrtException {
    if (prefill != null && step.past() != null && step.past().length() == 0) {
      return prefill.run(new DecodeStep(step.rows(), step.length(), step.inputIds(), step.attentionMask(),
          step.positionIds(), null, step.present()), scratch);
    }
    int pastLength = step.past() == null ? 0 : step.past().length();
    List<OnnxTensor> created = new ArrayList<>();
    try {
      Map<String, OnnxTensor> inputs = inputs(step, pastLength, created);
      Map<String, OnnxTensor> pinned = pinnedPresent(step, pastLength);
      FloatBuffer last;
      if (signature.logitsType == OnnxJavaType.FLOAT) {
        FloatBuffer logits = scratch.floats(step.rows() * step.length() * signature.vocab);
        long[] shape = {step.rows(), step.length(), signature.vocab};
        pinned.put(LOGITS, track(created, OnnxTensor.createTensor(OnnxSessions.environment(), logits, shape)));
        turn.run(() -> session.run(inputs, Set.of(), pinned)).close();
        last = LogitsScratch.lastPositions(logits, step.rows(), step.length(), signature.vocab);
      } else {
        try (OrtSession.Result result = turn.run(() -> session.run(inputs, Set.of(LOGITS), pinned))) {
          // float16 logits: converted to float for sampling
          FloatBuffer logits = ((OnnxTensor) result.get(LOGITS).orElseThrow()).getFloatBuffer();
          last = LogitsScratch.lastPositions(logits, step.rows(), step.length(), signature.vocab);
        }
      }
      return new DecodeStep.Output(last, step.present());
    } finally {
      created.forEach(OnnxTensor::close);
    }
  }

  /** The step's present target, reshaped to [rows, heads, past + length, headDim], as pinned outputs. */
  private Map<String, OnnxTensor> pinnedPresent(DecodeStep step, int pastLength) throws OrtException {
    Map<String, OnnxTensor> pinned = new HashMap<>();
    if (step.present() != null) {
      OnnxTensor[] present = step.present().reshape(step.rows(), pastLength + step.length()).tensors();
      for (int i = 0; i < present.length; i++) {
        pinned.put(signature.presentNames.get(i), present[i]);
      }
    }
    return pinned;
  }

  private Map<String, OnnxTensor> inputs(DecodeStep step, int pastLength, List<OnnxTensor> created) throws OrtException {
    OrtEnvironment env = OnnxSessions.environment();
    int rows = step.rows();
    Map<String, OnnxTensor> inputs = new HashMap<>();
    inputs.put(INPUT_IDS, track(created, longs(env, step.inputIds(), rows, step.length())));
    inputs.put(ATTENTION_MASK, track(created, longs(env, step.attentionMask(), rows, pastLength + step.length())));
    if (signature.hasPositionIds) {
      inputs.put(POSITION_IDS, track(created, longs(env, step.positionIds(), rows, step.length())));
    }
    if (kind == Kind.MERGED) {
      inputs.put(USE_CACHE_BRANCH, track(created, OnnxTensor.createTensor(env, new boolean[] {pastLength > 0})));
    }
    if (step.past() != null) {
      OnnxTensor[] past = step.past().tensors();
      for (int i = 0; i < past.length; i++) {
        inputs.put(signature.pastNames.get(i), past[i]);
      }
    }
    return inputs;
  }

  private static OnnxTensor longs(OrtEnvironment env, long[] values, int rows, int columns) throws OrtException {
    return OnnxTensor.createTensor(env, LongBuffer.wrap(values), new long[] {rows, columns});
  }

  private static OnnxTensor track(List<OnnxTensor> created, OnnxTensor tensor) {
    created.add(tensor);
    return tensor;
  }

  private String name(ModelDirectory dir) {
    return dir.root().relativize(file).toString();
  }

  private void closeQuietly() {
    closeQuietly(session);
    if (prefill != null) {
      prefill.closeQuietly();
    }
  }

  private static void closeQuietly(OrtSession session) {
    try {
      session.close();
    } catch (OrtException ignored) {
      // already failing; the load error is what matters
    }
  }

  @Override
  public void close() throws OrtException {
    try {
      session.close();
    } finally {
      if (prefill != null) {
        prefill.close();
      }
    }
  }
}
