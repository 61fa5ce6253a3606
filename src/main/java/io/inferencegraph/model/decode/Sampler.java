package io.inferencegraph.model.decode;

import java.nio.FloatBuffer;
import java.util.Arrays;
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
    int[] order = ranked(logits, offset, candidates);
    double[] weights = weights(logits, offset, order);
    int kept = topP < 1.0 ? nucleus(weights) : order.length;
    return draw(order, weights, kept);
  }

  /**
   * Candidate ids best first (ties: lower id first), cut by top-k. Like TopKLogitsWarper, every id
   * whose logit equals the k-th best stays. Temperature does not change the order, so raw logits do.
   */
  private int[] ranked(FloatBuffer logits, int offset, int candidates) {
    float floor = topK > 0 && topK < candidates ? kthLargest(logits, offset, candidates, topK) : Float.NEGATIVE_INFINITY;
    long[] keys = new long[candidates];
    int kept = 0;
    for (int i = 0; i < candidates; i++) {
      float score = logits.get(offset + i);
      if (score >= floor) {
        keys[kept++] = rankKey(score, i);
      }
    }
    Arrays.sort(keys, 0, kept);
    int[] order = new int[kept];
    for (int i = 0; i < kept; i++) {
      order[i] = (int) keys[i];
    }
    return order;
  }

  /** A key that sorts ascending as (score descending, id ascending). */
  private static long rankKey(float score, int id) {
    int bits = Float.floatToIntBits(score);
    int ascending = bits ^ ((bits >> 31) & 0x7fffffff);
    return ((long) ~ascending << 32) | id;
  }

  private static float kthLargest(FloatBuffer logits, int offset, int candidates, int k) {
    PriorityQueue<Float> best = new PriorityQueue<>(k + 1);
    for (int i = 0; i < candidates; i++) {
      float score = logits.get(offset + i);
      if (best.size() < k) {
        best.add(score);
      } else if (score > best.peek()) {
        best.poll();
        best.add(score);
      }
    }
    return best.peek();
  }

  /**
   * Unnormalised softmax weights of logits / temperature. Subtracting the best logit before
   * dividing keeps every exponent at or below zero, so a tiny temperature gives the best token
   * weight 1 and the others 0 instead of overflowing to infinity and NaN.
   */
  private double[] weights(FloatBuffer logits, int offset, int[] order) {
    double best = logits.get(offset + order[0]);
    double[] weights = new double[order.length];
    for (int i = 0; i < order.length; i++) {
      weights[i] = Math.exp((logits.get(offset + order[i]) - best) / temperature);
    }
    return weights;
  }

  /** How many of the best tokens top-p keeps: the fewest whose probability reaches top_p. */
  private int nucleus(double[] weights) {
    double total = Arrays.stream(weights).sum();
    double cumulative = 0;
    for (int i = 0; i < weights.length; i++) {
      cumulative += weights[i] / total;
      if (cumulative >= topP) {
        return i + 1;
      }
    }
    return weights.length;
  }

  private int draw(int[] order, double[] weights, int kept) {
    double total = 0;
    int lastPossible = 0;
    for (int i = 0; i < kept; i++) {
      total += weights[i];
      if (weights[i] > 0) {
        lastPossible = i;
      }
    }
    double draw = random.nextDouble() * total;
    for (int i = 0; i < kept; i++) {
      draw -= weights[i];
      if (draw < 0) {
        return order[i];
      }
    }
    return order[lastPossible]; // rounding left a sliver: never fall onto a token of weight zero
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
