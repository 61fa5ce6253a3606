package io.inferencegraph.bench;

import java.util.Arrays;

/** Order statistics over samples; nearest-rank percentiles, so every figure is a measured value. */
final class Stats {
  private Stats() {}

  static double median(double[] samples) {
    double[] sorted = samples.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** The smallest sample with at least {@code p} percent of the samples at or below it. */
  static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  static String fixed(double value, int decimals) {
    return Double.isNaN(value) ? "n/a" : String.format("%." + decimals + "f", value);
  }

  /** Few significant digits, enough for noisy timings: 0.123, 12.3, 1234. */
  static String round(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return "n/a";
    }
    double magnitude = Math.abs(value);
    return fixed(value, magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : 3);
  }
}
