package io.inferencegraph.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The rule behind {@code "auto"}: shares the machine's cores among the models this node serves in
 * proportion to their work per graph request, then splits each share. A small model is bound by
 * the fixed cost of each step (Java and ONNX Runtime per-node overhead), so it gets many worker
 * instances of one thread each; a real-sized one is bound by matrix work and memory bandwidth, so it
 * gets one instance (one continuous batch) with all its share as intra-op threads. Instances of a
 * model share one ONNX Runtime session, so a model busies {@code instances + threads - 1} cores;
 * the rule only picks splits where that equals {@code instances * threads}. Measured basis: on 16
 * cores, tiny models served 3,879 req/s as 8 instances x 1 thread against 572 as 1 x 4
 * (docs/performance.md, "Sizing to the cores").
 */
public final class Sizing {
  /** At or above this many parameters (or {@link #HEAVY_BYTES}) a model is matrix-bound. */
  static final long HEAVY_PARAMETERS = 50_000_000L;
  static final long HEAVY_BYTES = 200L << 20;
  /** A forward's fixed cost: one step of the batch loop, plus ONNX Runtime's overhead per layer. */
  static final double STEP_MS = 0.05;
  static final double LAYER_MS = 0.02;
  /** Weights streamed per millisecond: ~27 GB/s on one thread of the 2-core machine (FACTS.md). */
  static final double BYTES_PER_MS = 25e6;
  /** Matrix work per millisecond of one core: ~105 GFLOP/s, a 16-row decode step's MatMuls here (tools/profile_step.py). */
  static final double FLOPS_PER_MS = 100e6;
  /** Weights up to about a server's last-level cache are not streamed from memory each step. */
  static final long CACHED_BYTES = 32L << 20;
  /** Thread stack, batch loop and buffers of one more worker instance, beside its KV cache. */
  static final long INSTANCE_BYTES = 16L << 20;

  private Sizing() {}

  /** What the rule knows of the machine: cores the JVM may use and memory it may still take. */
  public record Machine(int cores, long memoryBytes) {}

  /**
   * What the rule knows of one model: its weights ({@code bytes}, 0 when unknown), parameters,
   * layers, the memory one more instance reserves (its KV cache at the batch's token limit),
   * forwards per graph request, the instances and threads the config asks for (0 = auto), the
   * tokens one forward reads for one request (1 for a decode step; a classifier reads a whole
   * text) and the rows a forward serves at once (a generator's batch; the weights are streamed once
   * for all of them).
   */
  public record Facts(String name, long bytes, long parameters, int layers, long instanceBytes,
      int forwardsPerRequest, int instances, int threads, int tokensPerForward, int rowsPerForward) {
    boolean heavy() {
      return parameters >= HEAVY_PARAMETERS || bytes >= HEAVY_BYTES;
    }

    /**
     * Core-milliseconds one request's share of a forward costs when the node is busy: the fixed
     * overhead, the matrix work of its tokens (2 flops per parameter per token), and the weights
     * streamed once for all the rows of a forward. A classifier of 128-token texts does about as
     * much matrix work per request as a decoder of the same size generating 128 tokens.
     */
    double forwardMs() {
      return STEP_MS + LAYER_MS * layers + Math.max(1, tokensPerForward) * 2.0 * parameters / FLOPS_PER_MS
          + Math.max(0, bytes - CACHED_BYTES) / BYTES_PER_MS / Math.max(1, rowsPerForward);
    }

    boolean fixed() {
      return instances > 0 && threads > 0;
    }
  }

  /** The choice for one model and why, in a sentence. */
  public record Choice(String name, int instances, int threads, String why) {}

  /** One choice per model, in the given order. */
  public static List<Choice> plan(Machine machine, List<Facts> models) {
    int fixedCores = models.stream().filter(Facts::fixed).mapToInt(m -> m.instances() + m.threads() - 1).sum();
    List<Facts> sized = models.stream().filter(m -> !m.fixed()).toList();
    int free = Math.max(sized.size(), machine.cores() - fixedCores);
    double[] work = sized.stream().mapToDouble(m -> m.forwardsPerRequest() * m.forwardMs()).toArray();
    int[] shares = Shares.apportion(free, work);
    List<Choice> choices = new ArrayList<>();
    for (Facts model : models) {
      if (model.fixed()) {
        choices.add(new Choice(model.name(), model.instances(), model.threads(), "as configured"));
      } else {
        int i = sized.indexOf(model);
        choices.add(split(model, shares[i], work[i] / Math.max(1e-9, sum(work)), machine.cores(),
            machine.cores() - fixedCores <= sized.size() ? Math.max(1, machine.cores() - fixedCores) : 0));
      }
    }
    return MemoryFit.fit(machine.memoryBytes(), models, choices);
  }

  /**
   * {@code crowded}: when the cores are no more than the models to size (each share is one core), the
   * cores to give a real-sized model as threads, else 0. Its work does not overlap the others' all the
   * time, and a one-thread model leaves cores idle while it alone is busy: on 2 cores, the real-sized
   * set served 0.880 req/s with 2 threads per model against 0.693 with 1 (bench/scale-bench.sh SET=sized).
   */
  private static Choice split(Facts model, int share, double workFraction, int cores, int crowded) {
    String size = String.format("%s, %.1fM parameters, %d MB", model.heavy() ? "real-sized" : "small",
        model.parameters() / 1e6, model.bytes() >> 20);
    String why = String.format("%s; %d of %d cores for %.0f%% of the work per request", size, share, cores,
        100 * workFraction);
    if (model.heavy()) {
      int instances = model.instances() > 0 ? model.instances() : 1;
      if (crowded > 0 && model.threads() == 0 && model.instances() <= 1) {
        return new Choice(model.name(), 1, crowded, why + ": matrix- and bandwidth-bound on no more cores than"
            + " models, so one continuous batch with every core as threads (the models take turns)");
      }
      int threads = model.threads() > 0 ? model.threads() : Math.max(1, share - instances + 1);
      return new Choice(model.name(), instances, threads,
          why + ": matrix- and bandwidth-bound, so one continuous batch with the share as threads");
    }
    // a fixed instance count leaves the rest of the share to its threads rather than idle
    int threads = model.threads() > 0 ? model.threads()
        : model.instances() > 0 ? Math.max(1, share - model.instances() + 1) : 1;
    int instances = model.instances() > 0 ? model.instances() : Math.max(1, share - threads + 1);
    return new Choice(model.name(), instances, threads,
        why + ": bound by per-step overhead, so one-thread instances side by side");
  }

  private static double sum(double[] values) {
    double total = 0;
    for (double v : values) {
      total += v;
    }
    return total;
  }
}
