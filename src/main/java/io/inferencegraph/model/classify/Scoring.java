package io.inferencegraph.model.classify;

import java.util.Arrays;

/** The function the text-classification pipeline applies to the logits by default. */
enum Scoring {
  SOFTMAX, SIGMOID, NONE;

  /** As transformers' TextClassificationPipeline.postprocess chooses, in its order. */
  static Scoring of(String problemType, int labels) {
    if ("regression".equals(problemType)) {
      return NONE;
    }
    if (labels == 1 || "multi_label_classification".equals(problemType)) {
      return SIGMOID;
    }
    return SOFTMAX;
  }

  double[] apply(float[] logits, int offset, int n) {
    double[] scores = new double[n];
    for (int i = 0; i < n; i++) {
      scores[i] = logits[offset + i];
    }
    switch (this) {
      case SIGMOID -> {
        for (int i = 0; i < n; i++) {
          scores[i] = 1.0 / (1.0 + Math.exp(-scores[i]));
        }
      }
      case SOFTMAX -> {
        double max = Arrays.stream(scores).max().orElse(0);
        double total = 0;
        for (int i = 0; i < n; i++) {
          scores[i] = Math.exp(scores[i] - max);
          total += scores[i];
        }
        for (int i = 0; i < n; i++) {
          scores[i] /= total;
        }
      }
      case NONE -> { }
    }
    return scores;
  }
}
