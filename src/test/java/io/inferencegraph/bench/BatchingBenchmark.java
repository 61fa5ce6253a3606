package io.inferencegraph.bench;

import io.inferencegraph.api.GenerationParams;
import io.inferencegraph.api.Params;
import io.inferencegraph.model.batch.BatchLimits;
import io.inferencegraph.model.batch.BatchObserver;
import io.inferencegraph.model.generate.ContinuousBatcher;
import io.inferencegraph.model.generate.TextGenerator;
import io.inferencegraph.model.load.ModelOptions;
import io.inferencegraph.model.load.SessionTuning;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Decode throughput of the continuous batcher: N sequences submitted at once to one model, greedy,
 * a fixed number of new tokens each; tokens/s over the whole run, against one sequence at a time.
 * {@code BatchingBenchmark --model build/models-gpt2-sized --tokens 64 --concurrency 1,4,8,16}
 */
public final class BatchingBenchmark {
  private BatchingBenchmark() {}

  public static void main(String[] argv) throws Exception {
    Args args = new Args(argv, Set.of("model", "tokens", "concurrency", "threads", "repeat"), Set.of());
    Path model = Path.of(args.string("model", "build/models-gpt2-sized"));
    int tokens = args.integer("tokens", 64, 1);
    int threads = args.integer("threads", 1, 1);
    int repeat = args.integer("repeat", 3, 1);
    System.out.println(Machine.describe());
    try (TextGenerator generator = TextGenerator.load(model, new ModelOptions(null, null, threads, true, SessionTuning.DEFAULT))) {
      System.out.println("model: " + generator.describe() + ", intra-op threads " + threads);
      Table table = new Table("concurrent sequences", "tokens/s (median of " + repeat + ")", "vs 1",
          "ms per step");
      double single = 0;
      for (int n : args.integers("concurrency", "1,4,8,16")) {
        List<Double> rates = new ArrayList<>();
        BatchLimits limits = new BatchLimits(n, Integer.MAX_VALUE, n, 0);
        try (ContinuousBatcher batcher = ContinuousBatcher.start(generator, limits, BatchObserver.NONE)) {
          run(batcher, n, tokens); // warm-up at this batch size
          for (int r = 0; r < repeat; r++) {
            rates.add(run(batcher, n, tokens));
          }
        }
        double rate = rates.stream().sorted().toList().get(rates.size() / 2);
        single = n == 1 ? rate : single;
        table.add(n, String.format("%.1f", rate), single > 0 ? String.format("%.2fx", rate / single) : "—",
            String.format("%.1f", 1000.0 * n / rate));
      }
      System.out.print(table.render());
    }
  }

  /** Tokens per second for n concurrent sequences of {@code tokens} new tokens each. */
  private static double run(ContinuousBatcher batcher, int n, int tokens) throws Exception {
    {
      GenerationParams greedy = Params.of("max_new_tokens", tokens, "do_sample", false, "num_return_sequences", 1);
      long start = System.nanoTime();
      List<CompletableFuture<ContinuousBatcher.Result>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        futures.add(batcher.submit("Sequence " + i + " of the benchmark starts here", greedy));
      }
      long generated = 0;
      for (CompletableFuture<ContinuousBatcher.Result> future : futures) {
        generated += future.get(10, TimeUnit.MINUTES).generations().get(0).newTokens();
      }
      return generated / ((System.nanoTime() - start) / 1e9);
    }
  }
}
