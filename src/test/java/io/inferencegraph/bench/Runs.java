package io.inferencegraph.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Times workloads against each other: warm-up calls first, then repetitions in rotating order, so
 * that a noisy neighbour or a slow drift hits every workload alike. Reports medians.
 */
final class Runs {
  /** One call of the thing measured; returns how many tokens it produced. */
  interface Workload {
    int run();
  }

  /** Median wall time and median throughput over {@code runs} timed calls. */
  record Result(double medianMillis, double medianTokensPerSecond, int tokens, int runs) {}

  private final int warmup;
  private final int repetitions;
  private final double budgetSeconds;

  /** At most {@code repetitions} rounds; no new round starts after {@code budgetSeconds}. */
  Runs(int warmup, int repetitions, double budgetSeconds) {
    this.warmup = warmup;
    this.repetitions = repetitions;
    this.budgetSeconds = budgetSeconds;
  }

  List<Result> measure(List<Workload> workloads) {
    for (Workload workload : workloads) {
      for (int i = 0; i < warmup; i++) {
        workload.run();
      }
    }
    int n = workloads.size();
    List<List<double[]>> samples = new ArrayList<>();
    workloads.forEach(w -> samples.add(new ArrayList<>()));
    long start = System.nanoTime();
    for (int round = 0; round < repetitions; round++) {
      if (round > 0 && (System.nanoTime() - start) / 1e9 > budgetSeconds) {
        break;
      }
      for (int k = 0; k < n; k++) {
        int w = (round + k) % n;
        samples.get(w).add(time(workloads.get(w)));
      }
    }
    return samples.stream().map(Runs::summarise).toList();
  }

  Result measure(Workload workload) {
    return measure(List.of(workload)).get(0);
  }

  /** {seconds, tokens} of one call. */
  private static double[] time(Workload workload) {
    long begin = System.nanoTime();
    int tokens = workload.run();
    return new double[] {(System.nanoTime() - begin) / 1e9, tokens};
  }

  private static Result summarise(List<double[]> samples) {
    double[] millis = samples.stream().mapToDouble(s -> s[0] * 1000).toArray();
    double[] rates = samples.stream().mapToDouble(s -> s[1] / s[0]).toArray();
    double[] tokens = samples.stream().mapToDouble(s -> s[1]).toArray();
    return new Result(Stats.median(millis), Stats.median(rates), (int) Stats.median(tokens), samples.size());
  }
}
