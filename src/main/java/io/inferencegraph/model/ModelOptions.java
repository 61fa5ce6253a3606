package io.inferencegraph.model;

/**
 * How to load a model: which graph file ({@code onnxFile} relative to the directory, else the
 * default names with the {@code variant} suffix such as "quantized") and how many ONNX Runtime
 * intra-op threads its session may use.
 */
public record ModelOptions(String onnxFile, String variant, int intraOpThreads) {
  public ModelOptions {
    if (intraOpThreads < 1) {
      throw new IllegalArgumentException("intraOpThreads must be >= 1, got " + intraOpThreads);
    }
  }

  public static ModelOptions defaults() {
    return new ModelOptions(null, null, 1);
  }

  public ModelOptions withIntraOpThreads(int threads) {
    return new ModelOptions(onnxFile, variant, threads);
  }
}
