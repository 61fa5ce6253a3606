package io.inferencegraph.model.load;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A model in the Hugging Face hub layout of an ONNX export: config, tokenizer and graph files. */
public final class ModelDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(ModelDirectory.class);

  private final Path root;

  public ModelDirectory(Path root) {
    this.root = root.toAbsolutePath().normalize();
    if (!Files.isDirectory(this.root)) {
      throw new ModelLoadException(this.root, "not a directory");
    }
  }

  public Path root() {
    return root;
  }

  public JsonObject config() {
    return readJson("config.json").orElseThrow(() -> fail("config.json is missing"));
  }

  public Optional<JsonObject> generationConfig() {
    return readJson("generation_config.json");
  }

  public Path tokenizerFile() {
    Path file = root.resolve("tokenizer.json");
    if (!Files.isRegularFile(file)) {
      throw fail("tokenizer.json is missing");
    }
    return file;
  }

  /** The largest token id the tokenizer can produce, from its vocabulary and added tokens. */
  public long tokenizerMaxId() {
    JsonObject tokenizer = readJson(tokenizerFile().getFileName().toString()).orElseThrow();
    if (!tokenizer.has("model") || !tokenizer.get("model").isJsonObject()) {
      throw fail("tokenizer.json has no 'model' object");
    }
    long max = -1;
    JsonElement vocab = tokenizer.getAsJsonObject("model").get("vocab");
    if (vocab != null && vocab.isJsonObject()) {
      for (var entry : vocab.getAsJsonObject().entrySet()) {
        max = Math.max(max, entry.getValue().getAsLong());
      }
    } else if (vocab != null && vocab.isJsonArray()) {
      max = vocab.getAsJsonArray().size() - 1L; // Unigram vocabularies are [piece, score] lists
    }
    JsonElement added = tokenizer.get("added_tokens");
    if (added != null && added.isJsonArray()) {
      for (JsonElement token : added.getAsJsonArray()) {
        max = Math.max(max, token.getAsJsonObject().get("id").getAsLong());
      }
    }
    return max;
  }

  /** tokenizer_config.json, if the export has one. */
  public Optional<JsonObject> tokenizerConfig() {
    return readJson("tokenizer_config.json");
  }

  /**
   * tokenizer_config.json's {@code model_max_length}; empty when absent or when it is the "no limit"
   * sentinel transformers writes for a tokenizer without one (int(1e30)).
   */
  public OptionalInt modelMaxLength() {
    JsonElement value = tokenizerConfig().map(c -> c.get("model_max_length")).orElse(null);
    if (value == null || value.isJsonNull()) {
      return OptionalInt.empty();
    }
    BigDecimal length;
    try {
      length = value.getAsBigDecimal();
    } catch (RuntimeException e) {
      throw fail("tokenizer_config.json model_max_length must be a number, got " + value);
    }
    if (length.signum() <= 0 || length.stripTrailingZeros().scale() > 0) {
      throw fail("tokenizer_config.json model_max_length must be a positive whole number, got " + value);
    }
    return length.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0 ? OptionalInt.empty()
        : OptionalInt.of(length.intValueExact());
  }

  /**
   * tokenizer_config.json's {@code clean_up_tokenization_spaces}; true when absent (or null), because
   * transformers 4.x's text-generation pipeline passes {@code clean_up_tokenization_spaces=True} to
   * decode whatever the tokenizer's own default (False since 4.45).
   */
  public boolean cleanUpTokenizationSpaces() {
    JsonElement value = tokenizerConfig().map(c -> c.get("clean_up_tokenization_spaces")).orElse(null);
    if (value == null || value.isJsonNull()) {
      return true;
    }
    if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isBoolean()) {
      throw fail("tokenizer_config.json clean_up_tokenization_spaces must be true or false, got " + value);
    }
    return value.getAsBoolean();
  }

  /**
   * The ONNX graph to run: the first of {@code candidates} (with the variant suffix, e.g. "_quantized") found in
   * {@code onnx/} or at the root; without a variant, by config.json's transformers.js dtype or the best graph there
   * ({@link GraphFiles}), logging why when it is not the plain fp32 one.
   */
  public Path onnxFile(List<String> candidates, String variant) {
    GraphFiles.Choice choice = graph(candidates, variant);
    choice.why().ifPresent(why -> LOG.info("{}: {}", root, why));
    return root.resolve(choice.path());
  }

  /** The graph {@link #onnxFile(List, String)} opens, without logging. */
  public GraphFiles.Choice graph(List<String> candidates, String variant) {
    JsonObject config = variant == null || variant.isBlank() ? dtypeSource() : null;
    return GraphFiles.choose(graphPaths(), candidates, variant, config).orElseThrow(() -> fail(
        "no ONNX graph found: looked for " + GraphFiles.wanted(candidates, variant) + " in onnx/ and at the root"));
  }

  /** config.json for its dtype; an unreadable one names no dtype here (reading the model's config reports it). */
  private JsonObject dtypeSource() {
    try {
      return readJson("config.json").orElse(null);
    } catch (ModelLoadException e) {
      return null;
    }
  }

  /** "onnx/NAME" and "NAME" for the files in onnx/ and at the root. */
  private List<String> graphPaths() {
    List<String> paths = new ArrayList<>();
    for (String folder : List.of("onnx/", "")) {
      try (Stream<Path> files = Files.list(root.resolve(folder))) {
        files.filter(Files::isRegularFile).forEach(file -> paths.add(folder + file.getFileName()));
      } catch (IOException | UncheckedIOException e) {
        // no such folder: nothing there
      }
    }
    return paths;
  }

  /** The explicitly configured graph file, relative to the directory. */
  public Path onnxFile(String relativePath) {
    Path path = root.resolve(relativePath).normalize();
    if (!Files.isRegularFile(path)) {
      throw fail("configured ONNX file " + relativePath + " is missing");
    }
    return path;
  }

  public ModelLoadException fail(String problem) {
    return new ModelLoadException(root, problem);
  }

  public ModelLoadException fail(String problem, Throwable cause) {
    return new ModelLoadException(root, problem, cause);
  }

  private Optional<JsonObject> readJson(String name) {
    Path file = root.resolve(name);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JsonParser.parseString(Files.readString(file)).getAsJsonObject());
    } catch (IOException | JsonParseException | IllegalStateException e) {
      throw fail(name + " is not a readable JSON object: " + e.getMessage(), e);
    }
  }
}
