package io.inferencegraph.config;

/** Whole cores shared in proportion to work, at least one each (largest remainders first). */
final class Shares {
  private Shares() {}

  /** {@code total} cores over {@code work.length} models; each gets one even where that exceeds {@code total}. */
  static int[] apportion(int total, double[] work) {
    int n = work.length;
    int[] shares = new int[n];
    if (n == 0) {
      return shares;
    }
    double sum = 0;
    for (double w : work) {
      sum += w;
    }
    int spare = Math.max(0, total - n); // each model's first core is given; the rest go by work
    double[] exact = new double[n];
    int given = 0;
    for (int i = 0; i < n; i++) {
      exact[i] = sum > 0 ? spare * work[i] / sum : (double) spare / n;
      shares[i] = 1 + (int) Math.floor(exact[i]);
      given += shares[i];
    }
    while (given < Math.max(total, n)) {
      int best = 0;
      for (int i = 1; i < n; i++) {
        if (exact[i] - Math.floor(exact[i]) > exact[best] - Math.floor(exact[best])) {
          best = i;
        }
      }
      shares[best]++;
      exact[best] = Math.floor(exact[best]); // its remainder is spent
      given++;
    }
    return shares;
  }
}
