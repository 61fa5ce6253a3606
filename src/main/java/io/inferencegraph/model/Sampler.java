package io.inferencegraph.model;

import java.nio.FloatBuffer;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Picks the next token from one row of logits the way Hugging Face's generate does: greedy argmax,
 * or temperature, then top-k, then top-p, then a draw from the softmax. Each sequence has its own
 * random source, so a seeded sequence draws the same tokens alone or in any batch.
 */
final class Sampler {
  private final boolean sample;
  private final double temperature;
  private final int topK;
  private final double topP;
  private final SplittableRandom random;

  Sampler(boolean sample, double temperature, int topK, double topP, long seed) {
    this.sample = sample;
    this.temperature = temperature;
    this.topK = topK;
    this.topP = topP;
    this.random = new SplittableRandom(seed);
  }

  /** The next token among ids [0, candidates) of the row starting at {@code offset}. */
  int next(FloatBuffer logits, int offset, int candidates) {
    if (!sample) {
      return argmax(logits, offset, candidates);
    }
    float[] scores = new float[candidates];
    for (int i = 0; i < candidates; i++) {
      scores[i] = (float) (logits.get(offset + i) / temperature);
    }
    int kept = topK > 0 && topK < candidates ? topK : candidates;
    int[] order = topIndices(scores, kept);
    double max = scores[order[0]];
    double[] probs = new double[kept];
    double total = 0;
    for (int i = 0; i < kept; i++) {
      probs[i] = Math.exp(scores[order[i]] - max);
      total += probs[i];
    }
    if (topP < 1.0) {
      double cumulative = 0;
      int cut = kept;
      for (int i = 0; i < kept; i++) {
        cumulative += probs[i] / total;
        if (cumulative >= topP) {
          cut = i + 1;
          break;
        }
      }
      kept = cut;
      total = 0;
      for (int i = 0; i < kept; i++) {
        total += probs[i];
      }
    }
    double draw = random.nextDouble() * total;
    for (int i = 0; i < kept; i++) {
      draw -= probs[i];
      if (draw < 0) {
        return order[i];
      }
    }
    return order[kept - 1];
  }

  /** The indices of the {@code k} highest scores, highest first (ties: lower index first). */
  private static int[] topIndices(float[] scores, int k) {
    PriorityQueue<Integer> lowest = new PriorityQueue<>(k + 1, Sampler.byScore(scores));
    for (int i = 0; i < scores.length; i++) {
      if (lowest.size() < k) {
        lowest.add(i);
      } else if (scores[i] > scores[lowest.peek()]) {
        lowest.poll();
        lowest.add(i);
      }
    }
    int[] order = new int[lowest.size()];
    for (int i = order.length - 1; i >= 0; i--) {
      order[i] = lowest.poll();
    }
    return order;
  }

  /** Ascending by score; among equal scores the higher index counts as lower. */
  private static Comparator<Integer> byScore(float[] scores) {
    return (a, b) -> scores[a] != scores[b] ? Float.compare(scores[a], scores[b]) : Integer.compare(b, a);
  }

  private static int argmax(FloatBuffer logits, int offset, int candidates) {
    int best = 0;
    float bestScore = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < candidates; i++) {
      float score = logits.get(offset + i);
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    }
    return best;
  }
}
