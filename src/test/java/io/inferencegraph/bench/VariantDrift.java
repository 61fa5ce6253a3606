package io.inferencegraph.bench;

import io.inferencegraph.api.GenerationParams;
import io.inferencegraph.api.Params;
import io.inferencegraph.model.Decoding;
import io.inferencegraph.model.classify.Classification;
import io.inferencegraph.model.classify.TextClassifier;
import io.inferencegraph.model.generate.Generation;
import io.inferencegraph.model.generate.TextGenerator;
import io.inferencegraph.model.load.ModelOptions;
import io.inferencegraph.model.load.SessionTuning;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How far a quantized or float16 graph moves a model's answers from its float32 graph, on models
 * trained on a real corpus (the fixtures under models/): greedy continuations of the same prompts
 * (how many are identical, and how many tokens agree before the first difference) and classifier
 * scores (the largest change). Each model folder must hold {@code onnx/model.onnx} and, per variant,
 * {@code onnx/model_VARIANT.onnx}; bench/quant-bench.sh makes them.
 *
 * <pre>java -cp ... io.inferencegraph.bench.VariantDrift DIR variant[,variant...] decoder[,decoder...] classifier</pre>
 */
public final class VariantDrift {
  private static final int PROMPTS = 24;
  private static final int NEW_TOKENS = 32;

  private VariantDrift() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    List<String> variants = List.of(args[1].split(","));
    Table table = new Table("model", "variant", "identical greedy", "tokens before first difference",
        "largest score change");
    for (String decoder : args[2].split(",")) {
      List<List<Long>> reference = continuations(dir.resolve(decoder), null);
      for (String variant : variants) {
        List<List<Long>> other = continuations(dir.resolve(decoder), variant);
        int identical = 0;
        long agreeing = 0;
        for (int i = 0; i < reference.size(); i++) {
          int common = commonPrefix(reference.get(i), other.get(i));
          identical += common == reference.get(i).size() && common == other.get(i).size() ? 1 : 0;
          agreeing += common;
        }
        table.add(decoder, variant, identical + "/" + reference.size(),
            String.format("%.1f of %d", (double) agreeing / reference.size(), NEW_TOKENS), "—");
      }
    }
    String classifier = args[3];
    List<String> texts = texts(dir.resolve(args[2].split(",")[0]));
    List<Classification> reference = classify(dir.resolve(classifier), null, texts);
    for (String variant : variants) {
      if (!Files.exists(dir.resolve(classifier).resolve("onnx/model_" + variant + ".onnx"))) {
        continue;
      }
      List<Classification> other = classify(dir.resolve(classifier), variant, texts);
      double worst = 0;
      for (int i = 0; i < texts.size(); i++) {
        worst = Math.max(worst, Math.abs(reference.get(i).score() - other.get(i).score()));
      }
      table.add(classifier, variant, "—", "—", String.format("%.4f", worst));
    }
    System.out.print(table.render());
  }

  private static ModelOptions options(String variant) {
    return new ModelOptions(null, variant, 1, true, SessionTuning.DEFAULT);
  }

  private static List<List<Long>> continuations(Path model, String variant) {
    try (TextGenerator generator = TextGenerator.load(model, options(variant))) {
      Prompts prompts = new Prompts(generator, 12);
      GenerationParams greedy = Params.of("max_new_tokens", NEW_TOKENS, "min_new_tokens", NEW_TOKENS,
          "do_sample", false);
      List<String> all = new ArrayList<>();
      for (int i = 0; i < PROMPTS; i++) {
        all.add(prompts.prompt(i));
      }
      return Decoding.generate(generator, all, greedy).stream().map(g -> g.get(0).tokenIds()).toList();
    }
  }

  /** Texts to classify: the float32 decoder's greedy continuations of the prompts. */
  private static List<String> texts(Path decoder) {
    try (TextGenerator generator = TextGenerator.load(decoder, options(null))) {
      Prompts prompts = new Prompts(generator, 12);
      List<String> all = new ArrayList<>();
      for (int i = 0; i < PROMPTS; i++) {
        all.add(prompts.prompt(i));
      }
      return Decoding.generate(generator, all, Params.of("max_new_tokens", NEW_TOKENS, "do_sample", false)).stream()
          .map(g -> g.get(0)).map(Generation::generatedText).toList();
    }
  }

  private static List<Classification> classify(Path model, String variant, List<String> texts) {
    try (TextClassifier classifier = TextClassifier.load(model, options(variant))) {
      return classifier.classify(texts);
    }
  }

  private static int commonPrefix(List<Long> a, List<Long> b) {
    int n = 0;
    while (n < a.size() && n < b.size() && a.get(n).equals(b.get(n))) {
      n++;
    }
    return n;
  }
}
