package io.inferencegraph.bench;

import ai.onnxruntime.OrtEnvironment;
import io.inferencegraph.api.GenerationParams;
import io.inferencegraph.api.Params;
import io.inferencegraph.model.Decoding;
import io.inferencegraph.model.generate.Generation;
import io.inferencegraph.model.generate.TextGenerator;
import io.inferencegraph.model.load.ModelOptions;
import io.inferencegraph.model.load.SessionTuning;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Decoder speed, greedy, one model at a time: KV cache against full recompute at several lengths,
 * one batched call of 8 prompts against the same 8 one by one, and prefill-plus-first-token
 * latency. Prints a Markdown table. Usage: {@code ModelBenchmark [options] [MODEL_DIR...]}.
 */
public final class ModelBenchmark {
  private static final List<String> DEFAULT_MODELS = List.of("models/distilgpt2-tiny", "models/gpt2-tiny",
      "models/gpt2-medium-tiny");
  private static final Set<String> OPTIONS = Set.of("warmup", "reps", "case-seconds", "tokens", "batch",
      "batch-tokens", "prompt-tokens", "threads", "onnx-file", "variant");
  private static final String USAGE = """
      usage: ModelBenchmark [options] [MODEL_DIR...]   (default: the three tiny decoders under models/)
        --warmup N          untimed calls per case (2)         --reps N          timed rounds per case (7)
        --case-seconds S    no new round after S seconds (30)  --tokens LIST     new tokens, KV vs recompute (16,64,128)
        --batch N           prompts in the batched call (8)    --batch-tokens N  new tokens per prompt there (64)
        --prompt-tokens N   prompt length to aim for (30)      --threads N       ONNX Runtime intra-op threads (1)
        --onnx-file FILE    graph file in each model dir       --variant V       file suffix, e.g. quantized""";

  private final Args args;
  private final Runs runs;
  private final Table table = new Table("model", "setting", "new tokens", "median ms", "tokens/s",
      "vs baseline", "runs");

  private ModelBenchmark(Args args) {
    this.args = args;
    this.runs = new Runs(args.integer("warmup", 2, 0), args.integer("reps", 7, 1), args.number("case-seconds", 30));
  }

  public static void main(String[] argv) {
    System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
    Args args;
    try {
      args = new Args(argv, OPTIONS, Set.of("help"));
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage() + "\n" + USAGE);
      System.exit(2);
      return;
    }
    if (args.has("help")) {
      System.out.println(USAGE);
      return;
    }
    List<Path> dirs = (args.positional.isEmpty() ? DEFAULT_MODELS : args.positional).stream().map(Path::of).toList();
    for (Path dir : dirs) {
      if (!Files.isDirectory(dir)) {
        System.err.println("no model directory " + dir.toAbsolutePath() + "\n" + USAGE);
        System.exit(2);
      }
    }
    new ModelBenchmark(args).run(dirs);
  }

  private void run(List<Path> dirs) {
    long start = System.nanoTime();
    ModelOptions options = options();
    for (Path dir : dirs) {
      benchmark(dir, options);
    }
    System.out.println();
    System.out.println("Machine: " + Machine.describe() + ", ONNX Runtime "
        + OrtEnvironment.getEnvironment().getVersion() + ", " + options.intraOpThreads() + " intra-op thread(s)");
    System.out.println("Greedy decoding; tokens/s = new tokens / wall time of one generate() call, prefill "
        + "included; median of the runs; baselines and candidates timed in alternating order.");
    System.out.println();
    System.out.print(table.render());
    System.out.printf("%nTotal %.0f s%n", (System.nanoTime() - start) / 1e9);
  }

  private ModelOptions options() {
    return new ModelOptions(args.has("onnx-file") ? args.string("onnx-file", null) : null,
        args.has("variant") ? args.string("variant", null) : null, args.integer("threads", 1, 1), true,
        SessionTuning.DEFAULT);
  }

  private void benchmark(Path dir, ModelOptions options) {
    try (TextGenerator cached = TextGenerator.load(dir, options);
        TextGenerator recomputing = TextGenerator.load(dir, new ModelOptions(options.onnxFile(), options.variant(),
            options.intraOpThreads(), false, options.tuning()))) {
      System.err.println("benchmarking " + cached.describe());
      Prompts prompts = new Prompts(cached, args.integer("prompt-tokens", 30, 1));
      String model = cached.name();
      String prompt = prompts.prompt(0);
      prefill(model, cached, prompt, prompts.tokens(prompt));
      for (int tokens : args.integers("tokens", "16,64,128")) {
        cacheAgainstRecompute(model, cached, recomputing, prompt, tokens);
      }
      batchAgainstSequential(model, cached, prompts);
    }
  }

  private void prefill(String model, TextGenerator generator, String prompt, int promptTokens) {
    Runs.Result result = runs.measure(() -> generate(generator, List.of(prompt), 1));
    table.add(model, "prefill + first token, prompt of " + promptTokens + " tokens", result.tokens(),
        Stats.round(result.medianMillis()), "—", "—", result.runs());
  }

  private void cacheAgainstRecompute(String model, TextGenerator cached, TextGenerator recomputing, String prompt,
      int tokens) {
    List<Runs.Result> results = runs.measure(List.of(
        () -> generate(recomputing, List.of(prompt), tokens),
        () -> generate(cached, List.of(prompt), tokens)));
    row(model, "full recompute, max " + tokens + " new", results.get(0), null);
    row(model, "KV cache, max " + tokens + " new", results.get(1), results.get(0));
  }

  private void batchAgainstSequential(String model, TextGenerator generator, Prompts prompts) {
    int size = args.integer("batch", 8, 1);
    int tokens = args.integer("batch-tokens", 64, 1);
    List<String> batch = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      batch.add(prompts.prompt(i));
    }
    List<Runs.Result> results = runs.measure(List.of(
        () -> batch.stream().mapToInt(p -> generate(generator, List.of(p), tokens)).sum(),
        () -> generate(generator, batch, tokens)));
    row(model, size + " prompts one at a time (batch 1), KV, max " + tokens + " new", results.get(0), null);
    row(model, size + " prompts in one call (batch " + size + "), KV, max " + tokens + " new", results.get(1),
        results.get(0));
  }

  private void row(String model, String setting, Runs.Result result, Runs.Result baseline) {
    String ratio = baseline == null ? "1.00 (baseline)"
        : Stats.fixed(result.medianTokensPerSecond() / baseline.medianTokensPerSecond(), 2) + "×";
    table.add(model, setting, result.tokens(), Stats.round(result.medianMillis()),
        Stats.round(result.medianTokensPerSecond()), ratio, result.runs());
  }

  /** Greedy generation; returns the new tokens actually produced (fewer when a sequence hits eos). */
  static int generate(TextGenerator generator, List<String> prompts, int maxNewTokens) {
    GenerationParams greedy = Params.of("max_new_tokens", maxNewTokens, "do_sample", false, "num_return_sequences", 1);
    return Decoding.generate(generator, prompts, greedy).stream().flatMap(List::stream).mapToInt(Generation::newTokens).sum();
  }
}
