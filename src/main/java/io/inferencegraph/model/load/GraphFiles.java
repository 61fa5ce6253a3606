package io.inferencegraph.model.load;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which ONNX graph of an export to run, by transformers.js' dtype naming; one rule for a Hub listing and a local
 * folder, so a pulled snapshot and a copy of it pick the same file.
 *
 * <p>Without a variant: the dtype {@code config.json} names under {@code transformers.js_config.dtype} (a string, or
 * a map from graph base name to dtype) if the repo holds that file; else the fp32 graph; else, as transformers.js
 * has no fallback of its own (it fails on a missing file), the first dtype of {@link #PREFERENCE} the repo holds.
 */
public final class GraphFiles {
  /** Dtype to file suffix (transformers.js {@code src/utils/dtypes.js}), in the order tried when fp32 is missing. */
  public static final Map<String, String> PREFERENCE = preference();

  /** A chosen graph (repo path such as "onnx/model_q4.onnx") and, unless it is the plain default, why. */
  public record Choice(String path, Optional<String> why) {}

  private GraphFiles() {}

  /**
   * The graph among {@code paths} (relative, "/"-separated): the first of {@code candidates} (base names such as
   * "model") in onnx/ then at the root, with "_" + {@code variant} if given, else by the dtype rule above.
   */
  public static Optional<Choice> choose(Collection<String> paths, List<String> candidates, String variant,
      JsonObject config) {
    Set<String> present = new TreeSet<>(paths);
    if (variant != null && !variant.isBlank()) {
      return find(present, candidates, suffix(variant)).map(path -> new Choice(path, Optional.empty()));
    }
    String missing = "";
    for (String name : candidates) {
      Optional<String> dtype = configuredDtype(config, name);
      if (dtype.isPresent()) {
        Optional<String> named = find(present, List.of(name), PREFERENCE.get(dtype.get()));
        if (named.isPresent()) {
          return Optional.of(new Choice(named.get(), Optional.of("using " + named.get() + " as config.json's "
              + "transformers.js_config.dtype names " + dtype.get() + " for " + name)));
        }
        if (missing.isEmpty()) { // the first graph named, as a string dtype names them all
          missing = "config.json's transformers.js_config.dtype names " + dtype.get() + " for " + name
              + " but the export has no " + name + PREFERENCE.get(dtype.get()) + ".onnx";
        }
      }
    }
    Optional<String> fp32 = find(present, candidates, "");
    if (fp32.isPresent()) {
      return Optional.of(new Choice(fp32.get(), missing.isEmpty() ? Optional.empty()
          : Optional.of("using " + fp32.get() + " (fp32): " + missing)));
    }
    for (Map.Entry<String, String> dtype : PREFERENCE.entrySet()) {
      Optional<String> best = find(present, candidates, dtype.getValue());
      if (best.isPresent()) {
        return Optional.of(new Choice(best.get(), Optional.of("using " + best.get() + " (" + dtype.getKey()
            + "): " + (missing.isEmpty() ? "the export has no fp32 graph" : missing + " nor an fp32 graph") + ", and "
            + dtype.getKey() + " comes first of " + String.join(" > ", PREFERENCE.keySet()) + " among its graphs")));
      }
    }
    return Optional.empty();
  }

  /** The file names looked for, for a message saying none was found. */
  public static List<String> wanted(List<String> candidates, String variant) {
    String suffix = variant == null || variant.isBlank() ? "" : suffix(variant);
    return candidates.stream().map(name -> name + suffix + ".onnx").toList();
  }

  /** A variant's file suffix: "_" + the variant, except "fp32", the plain graph whatever config.json names. */
  private static String suffix(String variant) {
    return variant.strip().equals("fp32") ? "" : "_" + variant.strip();
  }

  /** {@code transformers.js_config.dtype} for graph {@code name}: a known dtype other than "auto", else empty. */
  static Optional<String> configuredDtype(JsonObject config, String name) {
    JsonElement options = config == null ? null : config.get("transformers.js_config");
    JsonElement dtype = options != null && options.isJsonObject() ? options.getAsJsonObject().get("dtype") : null;
    if (dtype != null && dtype.isJsonObject()) {
      dtype = dtype.getAsJsonObject().get(name);
    }
    if (dtype == null || !dtype.isJsonPrimitive() || !dtype.getAsJsonPrimitive().isString()) {
      return Optional.empty();
    }
    return Optional.of(dtype.getAsString()).filter(PREFERENCE::containsKey);
  }

  private static Optional<String> find(Set<String> present, List<String> candidates, String suffix) {
    for (String name : candidates) {
      for (String folder : List.of("onnx/", "")) {
        String path = folder + name + suffix + ".onnx";
        if (present.contains(path)) {
          return Optional.of(path);
        }
      }
    }
    return Optional.empty();
  }

  private static Map<String, String> preference() {
    Map<String, String> order = new LinkedHashMap<>();
    order.put("fp32", "");
    order.put("fp16", "_fp16");
    order.put("q8", "_quantized");
    order.put("int8", "_int8");
    order.put("uint8", "_uint8");
    order.put("q4", "_q4");
    order.put("q4f16", "_q4f16");
    order.put("bnb4", "_bnb4");
    return java.util.Collections.unmodifiableMap(order);
  }
}
