package io.inferencegraph.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.inferencegraph.TestGraphs;
import io.inferencegraph.api.GenerationParams;
import io.inferencegraph.api.Params;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The small models under models/ (made by tools/make_models.py) and their torch reference outputs. */
public final class Fixtures {
  public static final Path MODELS = Path.of("models");
  public static final List<String> DECODERS = List.of("distilgpt2-tiny", "gpt2-tiny", "gpt2-medium-tiny");
  public static final Path CLASSIFIER = MODELS.resolve("bert-tiny-classifier");

  private Fixtures() {}

  public record Prompt(String text, List<Long> inputIds, List<Long> outputIds) {}

  public static Path decoder(String name) {
    return MODELS.resolve(name);
  }

  public static JsonObject reference(Path model) {
    try {
      return JsonParser.parseString(Files.readString(model.resolve("reference.json"))).getAsJsonObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static List<Prompt> prompts(Path model) {
    JsonObject reference = reference(model);
    List<Prompt> prompts = new ArrayList<>();
    reference.getAsJsonArray("prompts").forEach(e -> prompts.add(prompt(e.getAsJsonObject())));
    return prompts;
  }

  private static Prompt prompt(JsonObject prompt) {
    return new Prompt(prompt.get("text").getAsString(), longs(prompt.getAsJsonArray("input_ids")),
        longs(prompt.getAsJsonArray("output_ids")));
  }

  /**
   * The greedy reference for one graph file: its onnxruntime reference in reference_variants.json
   * when torch cannot run it (int8, fp16), else the torch reference.json.
   */
  public static List<Prompt> prompts(Path model, String onnxFile) {
    Path file = model.resolve("reference_variants.json");
    if (!Files.isRegularFile(file)) {
      return prompts(model);
    }
    try {
      JsonObject variants = JsonParser.parseString(Files.readString(file)).getAsJsonObject().getAsJsonObject("variants");
      if (!variants.has(onnxFile)) {
        return prompts(model);
      }
      List<Prompt> prompts = new ArrayList<>();
      variants.getAsJsonObject(onnxFile).getAsJsonArray("prompts").forEach(e -> prompts.add(prompt(e.getAsJsonObject())));
      return prompts;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static int referenceMaxNewTokens(Path model) {
    return reference(model).get("max_new_tokens").getAsInt();
  }

  public static List<Long> longs(JsonArray array) {
    List<Long> values = new ArrayList<>();
    array.forEach(e -> values.add(e.getAsLong()));
    return values;
  }

  public static List<Double> doubles(JsonArray array) {
    List<Double> values = new ArrayList<>();
    array.forEach(e -> values.add(e.getAsDouble()));
    return values;
  }

  public static GenerationParams greedy(int maxNewTokens) {
    return Params.of("max_new_tokens", maxNewTokens, "do_sample", false, "num_return_sequences", 1);
  }

  public static GenerationParams sampled(int maxNewTokens, long seed, int sequences) {
    return Params.of("max_new_tokens", maxNewTokens, "do_sample", true, "temperature", 0.9, "top_k", 40, "top_p", 0.95, "seed", seed, "num_return_sequences", sequences);
  }

  /** A copy of a model directory that a test may break. */
  public static Path copy(Path model, Path target) {
    return TestGraphs.copyModel(model, target);
  }
}
