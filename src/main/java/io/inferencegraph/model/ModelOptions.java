package io.inferencegraph.model;

/**
 * How to load a model: which graph file ({@code onnxFile} relative to the directory, else the
 * default names with the {@code variant} suffix such as "quantized"), how many ONNX Runtime
 * intra-op threads its session may use, and whether a decoder uses its KV cache (false recomputes
 * the whole sequence every step, like Hugging Face's {@code use_cache=False}).
 */
public record ModelOptions(String onnxFile, String variant, int intraOpThreads, boolean useCache) {
  public ModelOptions {
    if (intraOpThreads < 1) {
      throw new IllegalArgumentException("intraOpThreads must be >= 1, got " + intraOpThreads);
    }
  }

  public static ModelOptions defaults() {
    return new ModelOptions(null, null, 1, true);
  }

  public ModelOptions withIntraOpThreads(int threads) {
    return new ModelOptions(onnxFile, variant, threads, useCache);
  }

  public ModelOptions withVariant(String newVariant) {
    return new ModelOptions(onnxFile, newVariant, intraOpThreads, useCache);
  }

  public ModelOptions withOnnxFile(String file) {
    return new ModelOptions(file, variant, intraOpThreads, useCache);
  }

  public ModelOptions withoutCache() {
    return new ModelOptions(onnxFile, variant, intraOpThreads, false);
  }
}
