package io.inferencegraph.model.decode;

import java.nio.FloatBuffer;

/**
 * Log-probabilities from one row of logits: the log-softmax of a chosen token and of the N best,
 * found by one pass that keeps only the N best seen so far (no sort of the row, nothing allocated
 * but the small result). Ties go to the lower id, as greedy argmax breaks them.
 */
public final class TopLogprobs {
  /** OpenAI's floor for a logprob that would be minus infinity (JSON has no infinity). */
  public static final double FLOOR = -9999.0;

  private TopLogprobs() {}

  /** One step: the chosen token's logprob, then the N best ids and their logprobs, best first. */
  public record Step(long token, double logprob, long[] topIds, double[] topLogprobs) {}

  /** The step of {@code token} among ids [0, candidates) of the row starting at {@code offset}, with the {@code n} best. */
  static Step of(FloatBuffer logits, int offset, int candidates, long token, int n) {
    int kept = Math.min(n, candidates);
    int[] ids = new int[kept];
    float[] scores = new float[kept];
    int count = best(logits, offset, candidates, ids, scores);
    float max = count > 0 ? scores[0] : max(logits, offset, candidates);
    double logTotal = max + Math.log(sumExp(logits, offset, candidates, max));
    long[] topIds = new long[count];
    double[] topLogprobs = new double[count];
    for (int i = 0; i < count; i++) {
      topIds[i] = ids[i];
      topLogprobs[i] = floor(scores[i] - logTotal);
    }
    return new Step(token, floor(logits.get(offset + (int) token) - logTotal), topIds, topLogprobs);
  }

  /**
   * Fills {@code ids} and {@code scores} with the best ids of the row, best first (equal scores: lower id
   * first); how many it filled: the arrays' length, or fewer if the row is shorter.
   */
  static int best(FloatBuffer logits, int offset, int candidates, int[] ids, float[] scores) {
    int n = ids.length;
    int count = 0;
    if (n == 0) {
      return 0;
    }
    for (int i = 0; i < candidates; i++) {
      float score = logits.get(offset + i);
      if (count == n && !(score > scores[n - 1])) {
        continue; // the common case: not better than the worst kept (an equal later id loses the tie)
      }
      int at = count < n ? count++ : n - 1;
      while (at > 0 && scores[at - 1] < score) {
        scores[at] = scores[at - 1];
        ids[at] = ids[at - 1];
        at--;
      }
      scores[at] = score;
      ids[at] = i;
    }
    return count;
  }

  private static float max(FloatBuffer logits, int offset, int candidates) {
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < candidates; i++) {
      max = Math.max(max, logits.get(offset + i));
    }
    return max;
  }

  private static double sumExp(FloatBuffer logits, int offset, int candidates, float max) {
    double sum = 0;
    for (int i = 0; i < candidates; i++) {
      sum += Math.exp(logits.get(offset + i) - max);
    }
    return sum;
  }

  private static double floor(double logprob) {
    return Double.isNaN(logprob) ? FLOOR : Math.max(logprob, FLOOR);
  }
}
