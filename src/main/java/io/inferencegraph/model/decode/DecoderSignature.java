package io.inferencegraph.model.decode;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.inferencegraph.model.load.DecoderConfig;
import io.inferencegraph.model.load.ModelDirectory;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a decoder graph's inputs and outputs say about driving it: KV cache or not, merged or not,
 * {@code position_ids} or positions derived from the past length, float32 or float16 tensors.
 */
final class DecoderSignature {
  static final String INPUT_IDS = "input_ids";
  static final String ATTENTION_MASK = "attention_mask";
  static final String POSITION_IDS = "position_ids";
  static final String USE_CACHE_BRANCH = "use_cache_branch";
  static final String LOGITS = "logits";

  final DecoderGraph.Kind kind;
  final boolean hasPositionIds;
  final List<String> pastNames = new ArrayList<>();
  final List<String> presentNames = new ArrayList<>();
  final long[] pastHeads;
  final long[] pastHeadDims;
  final int vocab;
  /** Element type of the KV cache tensors (FLOAT or FLOAT16). */
  final OnnxJavaType pastType;
  final OnnxJavaType logitsType;
  private final ModelDirectory dir;
  private final String name;

  DecoderSignature(ModelDirectory dir, String name, OrtSession session, DecoderConfig config) throws OrtException {
    this.dir = dir;
    this.name = name;
    Map<String, NodeInfo> inputs = session.getInputInfo();
    Map<String, NodeInfo> outputs = session.getOutputInfo();
    requireNames(inputs, outputs);
    hasPositionIds = inputs.containsKey(POSITION_IDS);
    collectKvNames(inputs, outputs);
    kind = pastNames.isEmpty() ? DecoderGraph.Kind.NO_PAST
        : inputs.containsKey(USE_CACHE_BRANCH) ? DecoderGraph.Kind.MERGED : DecoderGraph.Kind.WITH_PAST;
    if (kind != DecoderGraph.Kind.NO_PAST && pastNames.size() != 2 * config.layers()) {
      throw dir.fail(name + " has past inputs for " + pastNames.size() / 2 + " layers but config.json says "
          + config.layers());
    }
    logitsType = floatType(LOGITS, outputs.get(LOGITS));
    pastType = presentNames.isEmpty() ? OnnxJavaType.FLOAT : floatType(presentNames.get(0), outputs.get(presentNames.get(0)));
    for (String past : pastNames) {
      if (floatType(past, inputs.get(past)) != pastType) {
        throw dir.fail(name + ": input '" + past + "' is not " + pastType + " like its present outputs");
      }
    }
    pastHeads = new long[presentNames.size()];
    pastHeadDims = new long[presentNames.size()];
    for (int i = 0; i < presentNames.size(); i++) {
      long[] shape = ((TensorInfo) outputs.get(presentNames.get(i)).getInfo()).getShape();
      pastHeads[i] = shape.length == 4 && shape[1] > 0 ? shape[1] : config.heads();
      pastHeadDims[i] = shape.length == 4 && shape[3] > 0 ? shape[3] : config.headDim();
    }
    vocab = vocab(outputs, config);
  }

  private void requireNames(Map<String, NodeInfo> inputs, Map<String, NodeInfo> outputs) {
    for (String required : List.of(INPUT_IDS, ATTENTION_MASK)) {
      if (!inputs.containsKey(required)) {
        throw dir.fail(name + " has no input '" + required + "'; inputs are " + inputs.keySet());
      }
    }
    if (!outputs.containsKey(LOGITS)) {
      throw dir.fail(name + " has no output 'logits'; outputs are " + outputs.keySet());
    }
  }

  /** past_key_values.{i}.key/value and their present.{i} outputs; presents alone for a graph without past. */
  private void collectKvNames(Map<String, NodeInfo> inputs, Map<String, NodeInfo> outputs) {
    for (int layer = 0; inputs.containsKey("past_key_values." + layer + ".key"); layer++) {
      for (String part : List.of(".key", ".value")) {
        pastNames.add("past_key_values." + layer + part);
        presentNames.add("present." + layer + part);
      }
    }
    for (int layer = 0; pastNames.isEmpty() && outputs.containsKey("present." + layer + ".key"); layer++) {
      presentNames.add("present." + layer + ".key");
      presentNames.add("present." + layer + ".value");
    }
    Set<String> known = new LinkedHashSet<>(List.of(INPUT_IDS, ATTENTION_MASK, POSITION_IDS, USE_CACHE_BRANCH));
    known.addAll(pastNames);
    for (String input : inputs.keySet()) {
      if (!known.contains(input)) {
        throw dir.fail(name + " has an unexpected input '" + input + "' for a GPT-2-style decoder");
      }
    }
    for (String present : presentNames) {
      if (!outputs.containsKey(present)) {
        throw dir.fail(name + " has past inputs but no output '" + present + "'");
      }
    }
  }

  /** Float32 runs as is, float16 through conversions; anything else is refused at load, never per request. */
  private OnnxJavaType floatType(String tensor, NodeInfo node) {
    OnnxJavaType type = ((TensorInfo) node.getInfo()).type;
    if (type != OnnxJavaType.FLOAT && type != OnnxJavaType.FLOAT16) {
      throw dir.fail(name + ": '" + tensor + "' is " + type + "; only float32 and float16 decoders are supported");
    }
    return type;
  }

  private int vocab(Map<String, NodeInfo> outputs, DecoderConfig config) {
    long[] logitsShape = ((TensorInfo) outputs.get(LOGITS).getInfo()).getShape();
    long lastDim = logitsShape[logitsShape.length - 1];
    if (lastDim > 0 && lastDim != config.vocabSize()) {
      throw dir.fail(name + " has logits over " + lastDim + " tokens but config.json vocab_size is "
          + config.vocabSize());
    }
    return config.vocabSize();
  }
}
