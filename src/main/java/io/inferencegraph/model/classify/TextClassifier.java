package io.inferencegraph.model.classify;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.google.gson.JsonObject;
import io.inferencegraph.model.load.CoreTurns;
import io.inferencegraph.model.load.ModelDirectory;
import io.inferencegraph.model.load.ModelLoadException;
import io.inferencegraph.model.load.ModelOptions;
import io.inferencegraph.model.load.OnnxSessions;
import io.inferencegraph.model.load.TextTokenizer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A BERT-family sequence classifier from a Hugging Face ONNX export (optimum's text-classification
 * task). Classifies a list of texts in one ONNX Runtime call; thread-safe.
 */
public final class TextClassifier implements AutoCloseable {
  /** Graph base names looked for, in order, when no file is configured. */
  public static final List<String> GRAPH_FILES = List.of("model");
  private static final Set<String> INPUTS = Set.of("input_ids", "attention_mask", "token_type_ids");

  private final String name;
  private final OrtSession session;
  private final CoreTurns.Turn turn;
  private final TextTokenizer tokenizer;
  private final List<String> labels;
  private final Scoring scoring;
  private final boolean hasTokenTypes;
  private final long padId;
  private final int maxTokens;

  private TextClassifier(String name, OrtSession session, CoreTurns.Turn turn, TextTokenizer tokenizer,
      List<String> labels, Scoring scoring, boolean hasTokenTypes, long padId, int maxTokens) {
    this.name = name;
    this.session = session;
    this.turn = turn;
    this.tokenizer = tokenizer;
    this.labels = labels;
    this.scoring = scoring;
    this.hasTokenTypes = hasTokenTypes;
    this.padId = padId;
    this.maxTokens = maxTokens;
  }

  public static TextClassifier load(Path path, ModelOptions options) {
    ModelDirectory dir = new ModelDirectory(path);
    JsonObject config = dir.config();
    List<String> labels = labels(dir, config);
    int vocab = config.has("vocab_size") ? config.get("vocab_size").getAsInt() : Integer.MAX_VALUE;
    if (dir.tokenizerMaxId() + 1 > vocab) {
      throw dir.fail("tokenizer.json has " + (dir.tokenizerMaxId() + 1) + " tokens but config.json vocab_size is " + vocab);
    }
    int maxTokens = TextTokenizer.maxLength(dir,
        config.has("max_position_embeddings") ? config.get("max_position_embeddings").getAsInt() : 512);
    Scoring scoring = Scoring.of(config.has("problem_type") && !config.get("problem_type").isJsonNull()
        ? config.get("problem_type").getAsString() : null, labels.size());
    long padId = config.has("pad_token_id") && !config.get("pad_token_id").isJsonNull()
        ? config.get("pad_token_id").getAsLong() : 0L;
    Path file = options.onnxFile() != null ? dir.onnxFile(options.onnxFile()) : dir.onnxFile(GRAPH_FILES, options.variant());
    OrtSession session = OnnxSessions.open(dir, file, options);
    TextTokenizer tokenizer = null;
    try {
      boolean tokenTypes = checkGraph(dir, session, labels.size());
      tokenizer = TextTokenizer.forClassifier(dir, maxTokens);
      return new TextClassifier(dir.root().getFileName().toString(), session, OnnxSessions.turn(options), tokenizer,
          labels, scoring, tokenTypes, padId, maxTokens);
    } catch (OrtException | RuntimeException e) {
      try {
        session.close();
      } catch (OrtException ignored) {
        // the load error is what matters
      }
      if (tokenizer != null) {
        tokenizer.close();
      }
      throw e instanceof ModelLoadException m ? m : dir.fail("cannot load classifier: " + e.getMessage(), e);
    }
  }

  public String name() {
    return name;
  }

  /** The labels in id order, as config.json names them. */
  List<String> labels() {
    return labels;
  }

  public String describe() {
    return String.format("%s (classifier, labels %s, max %d tokens)", name, labels, maxTokens);
  }

  /** Classifies every text in one batch, padded to the longest. */
  public List<Classification> classify(List<String> texts) {
    if (texts.isEmpty()) {
      return List.of();
    }
    Encoding[] encodings = tokenizer.encodeAll(texts);
    float[] logits = logits(encodings);
    List<Classification> results = new ArrayList<>();
    for (int r = 0; r < encodings.length; r++) {
      results.add(classification(logits, r, encodings[r]));
    }
    return results;
  }

  /** The raw logits of each text, [texts * labels], before any function is applied. */
  float[] logits(List<String> texts) {
    return logits(tokenizer.encodeAll(texts));
  }

  private float[] logits(Encoding[] encodings) {
    int rows = encodings.length;
    int length = 0;
    for (Encoding encoding : encodings) {
      length = Math.max(length, encoding.getIds().length);
    }
    long[] ids = new long[rows * length];
    long[] mask = new long[rows * length];
    long[] types = new long[rows * length];
    java.util.Arrays.fill(ids, padId);
    for (int r = 0; r < rows; r++) {
      long[] encoded = encodings[r].getIds();
      long[] typeIds = encodings[r].getTypeIds();
      System.arraycopy(encoded, 0, ids, r * length, encoded.length);
      System.arraycopy(typeIds, 0, types, r * length, typeIds.length);
      java.util.Arrays.fill(mask, r * length, r * length + encoded.length, 1L);
    }
    return run(rows, length, ids, mask, types);
  }

  private float[] run(int rows, int length, long[] ids, long[] mask, long[] types) {
    OrtEnvironment env = OnnxSessions.environment();
    long[] shape = {rows, length};
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try {
      inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
      inputs.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
      if (hasTokenTypes) {
        inputs.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape));
      }
      try (OrtSession.Result result = turn.run(() -> session.run(inputs, Set.of("logits")))) {
        FloatBuffer buffer = ((OnnxTensor) result.get("logits").orElseThrow()).getFloatBuffer();
        float[] logits = new float[buffer.remaining()];
        buffer.get(logits);
        return logits;
      }
    } catch (OrtException e) {
      throw new IllegalStateException(name + ": ONNX Runtime failed: " + e.getMessage(), e);
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  private Classification classification(float[] logits, int row, Encoding encoding) {
    int n = labels.size();
    double[] scores = scoring.apply(logits, row * n, n);
    int best = 0;
    Map<String, Double> byLabel = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      byLabel.put(labels.get(i), scores[i]);
      if (scores[i] > scores[best]) {
        best = i;
      }
    }
    return new Classification(labels.get(best), scores[best], byLabel, encoding.getIds().length,
        encoding.exceedMaxLength());
  }

  private static boolean checkGraph(ModelDirectory dir, OrtSession session, int labelCount) throws OrtException {
    Map<String, NodeInfo> inputs = session.getInputInfo();
    for (String required : List.of("input_ids", "attention_mask")) {
      if (!inputs.containsKey(required)) {
        throw dir.fail("classifier graph has no input '" + required + "'; inputs are " + inputs.keySet());
      }
    }
    for (String input : inputs.keySet()) {
      if (!INPUTS.contains(input)) {
        throw dir.fail("classifier graph has an unexpected input '" + input + "'");
      }
    }
    NodeInfo logits = session.getOutputInfo().get("logits");
    if (logits == null) {
      throw dir.fail("classifier graph has no output 'logits'; outputs are " + session.getOutputNames());
    }
    long[] shape = ((TensorInfo) logits.getInfo()).getShape();
    if (shape.length != 2 || (shape[1] > 0 && shape[1] != labelCount)) {
      throw dir.fail("classifier logits have shape " + java.util.Arrays.toString(shape) + " but config.json names "
          + labelCount + " labels");
    }
    return inputs.containsKey("token_type_ids");
  }

  private static List<String> labels(ModelDirectory dir, JsonObject config) {
    if (!config.has("id2label")) {
      int count = config.has("num_labels") ? config.get("num_labels").getAsInt() : 2;
      List<String> labels = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        labels.add("LABEL_" + i);
      }
      return labels;
    }
    JsonObject map = config.getAsJsonObject("id2label");
    String[] labels = new String[map.size()];
    for (var entry : map.entrySet()) {
      int id;
      try {
        id = Integer.parseInt(entry.getKey());
      } catch (NumberFormatException e) {
        throw dir.fail("config.json id2label has a non-numeric id '" + entry.getKey() + "'");
      }
      if (id < 0 || id >= labels.length) {
        throw dir.fail("config.json id2label ids must be 0.." + (labels.length - 1) + ", got " + id);
      }
      labels[id] = entry.getValue().getAsString();
    }
    return List.of(labels);
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException(name + ": cannot close the ONNX Runtime session", e);
    } finally {
      tokenizer.close();
    }
  }
}
