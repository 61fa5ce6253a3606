package io.inferencegraph.model.load;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.inferencegraph.api.GenerationParams;
import io.inferencegraph.api.ServiceException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a decoder's config.json says about its shape and special tokens, plus the generation
 * defaults from generation_config.json and task_specific_params["text-generation"], and the
 * generation keys among them that this service does not implement (warned about once, here).
 */
public record DecoderConfig(
    String modelType,
    int layers,
    int heads,
    int hiddenSize,
    int vocabSize,
    int maxPositions,
    long bosTokenId,
    Set<Long> eosTokenIds,
    long padTokenId,
    GenerationParams defaults,
    List<String> ignoredGenerationKeys) {
  private static final Logger LOG = LoggerFactory.getLogger(DecoderConfig.class);

  public static DecoderConfig read(ModelDirectory dir) {
    JsonObject config = dir.config();
    int layers = requiredInt(dir, config, "n_layer", "num_hidden_layers");
    int heads = requiredInt(dir, config, "n_head", "num_attention_heads");
    int hidden = requiredInt(dir, config, "n_embd", "hidden_size");
    int vocab = requiredInt(dir, config, "vocab_size");
    int positions = requiredInt(dir, config, "n_positions", "max_position_embeddings");
    JsonObject generation = dir.generationConfig().orElse(new JsonObject());
    Set<Long> eos = tokenIds(generation.get("eos_token_id"));
    if (eos.isEmpty()) {
      eos = tokenIds(config.get("eos_token_id"));
    }
    if (eos.isEmpty()) {
      throw dir.fail("config.json has no eos_token_id");
    }
    long bos = firstId(generation.get("bos_token_id"), firstId(config.get("bos_token_id"), eos.iterator().next()));
    long pad = firstId(generation.get("pad_token_id"), firstId(config.get("pad_token_id"), eos.iterator().next()));
    for (long id : eos) {
      if (id < 0 || id >= vocab) {
        throw dir.fail("eos_token_id " + id + " is outside the vocabulary of " + vocab);
      }
    }
    String type = config.has("model_type") ? config.get("model_type").getAsString() : "unknown";
    GenerationParams.ModelDefaults defaults = defaults(dir, config, generation, vocab);
    return new DecoderConfig(type, layers, heads, hidden, vocab, positions, bos, Set.copyOf(eos), pad,
        defaults.params(), defaults.ignoredKeys());
  }

  public int headDim() {
    return hiddenSize / heads;
  }

  @SuppressWarnings("unchecked")
  private static GenerationParams.ModelDefaults defaults(ModelDirectory dir, JsonObject config, JsonObject generation,
      int vocab) {
    Gson gson = new Gson();
    JsonObject taskParams = config.has("task_specific_params")
        && config.getAsJsonObject("task_specific_params").has("text-generation")
        ? config.getAsJsonObject("task_specific_params").getAsJsonObject("text-generation")
        : new JsonObject();
    try {
      GenerationParams.ModelDefaults fromGeneration =
          GenerationParams.parseModelDefaults(gson.fromJson(generation, Map.class));
      GenerationParams.ModelDefaults fromTask =
          GenerationParams.parseModelDefaults(gson.fromJson(taskParams, Map.class));
      List<String> ignored = Stream.concat(fromGeneration.ignoredKeys().stream(), fromTask.ignoredKeys().stream())
          .distinct().sorted().toList();
      if (!ignored.isEmpty()) {
        LOG.warn("{}: generation settings {} (generation_config.json, task_specific_params) are not implemented "
            + "by this service and are ignored", dir.root(), ignored);
      }
      GenerationParams params = fromGeneration.params().overriddenBy(fromTask.params());
      params.checkTokenIds(vocab);
      return new GenerationParams.ModelDefaults(params, ignored);
    } catch (ServiceException e) {
      throw dir.fail("bad generation default " + e.getMessage(), e);
    }
  }

  private static int requiredInt(ModelDirectory dir, JsonObject config, String... keys) {
    for (String key : keys) {
      if (config.has(key) && config.get(key).isJsonPrimitive()) {
        return config.get(key).getAsInt();
      }
    }
    throw dir.fail("config.json lacks " + String.join(" / ", keys));
  }

  private static Set<Long> tokenIds(JsonElement element) {
    Set<Long> ids = new LinkedHashSet<>();
    if (element == null || element.isJsonNull()) {
      return ids;
    }
    if (element.isJsonArray()) {
      element.getAsJsonArray().forEach(e -> ids.add(e.getAsLong()));
    } else {
      ids.add(element.getAsLong());
    }
    return ids;
  }

  private static long firstId(JsonElement element, long fallback) {
    Set<Long> ids = tokenIds(element);
    return ids.isEmpty() ? fallback : ids.iterator().next();
  }
}
