package io.inferencegraph.model.load;

/**
 * How to load a model: which graph file ({@code onnxFile} relative to the directory, else the
 * default names with the {@code variant} suffix such as "quantized"), how many ONNX Runtime
 * intra-op threads its session may use, whether a decoder uses its KV cache (false recomputes
 * the whole sequence every step, like Hugging Face's {@code use_cache=False}) and how its session
 * is tuned (memory, threads).
 */
public record ModelOptions(String onnxFile, String variant, int intraOpThreads, boolean useCache,
    SessionTuning tuning) {
  public ModelOptions {
    if (intraOpThreads < 1) {
      throw new IllegalArgumentException("intraOpThreads must be >= 1, got " + intraOpThreads);
    }
  }

  public static ModelOptions defaults() {
    return new ModelOptions(null, null, 1, true, SessionTuning.DEFAULT);
  }
}
