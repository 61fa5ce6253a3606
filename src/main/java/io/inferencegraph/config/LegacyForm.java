package io.inferencegraph.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The configuration form before graphs were data: top-level {@code generators} and a
 * {@code classifier}. It still works and means the seed's graph: it is rewritten into {@code models}
 * and one graph, {@code classify_generated_texts}, exactly as conf/config.json declares it.
 */
final class LegacyForm {
  static final String SEED_GRAPH = "classify_generated_texts";

  private LegacyForm() {}

  /** Whether {@code json} is in the old form; both forms at once is an error (its graphs would be replaced). */
  static boolean applies(JsonObject json) {
    boolean old = json.containsKey("generators") || json.containsKey("classifier");
    String newKey = json.containsKey("models") ? "models" : json.containsKey("graphs") ? "graphs" : null;
    if (old && newKey != null) {
      throw new ConfigException(json.containsKey("generators") ? "generators" : "classifier", "is the old form of "
          + "models and the seed graph; this configuration declares " + newKey + ": declare every model under "
          + "models, with its task");
    }
    return old;
  }

  /** The same configuration in the models-and-graphs form; malformed entries are left for the parser to report. */
  static JsonObject upgrade(JsonObject json) {
    JsonObject upgraded = json.copy();
    upgraded.remove("generators");
    upgraded.remove("classifier");
    if (!(json.getValue("generators") instanceof JsonArray generators) || generators.isEmpty()) {
      throw new ConfigException("generators", "must list at least one text-generation model");
    }
    if (!(json.getValue("classifier") instanceof JsonObject classifier)) {
      throw new ConfigException("classifier", "must be an object with the classification model");
    }
    JsonObject models = new JsonObject();
    JsonArray lists = new JsonArray();
    JsonObject nodes = new JsonObject();
    for (int i = 0; i < generators.size(); i++) {
      if (!(generators.getValue(i) instanceof JsonObject generator)) {
        throw new ConfigException("generators[" + i + "]", "must be an object");
      }
      String name = name("generators[" + i + "]", generator);
      if (models.containsKey(name)) {
        throw new ConfigException("generators", "model names must be unique");
      }
      models.put(name, withoutName(generator).put("task", "text-generation"));
      String node = name.replace('.', '_'); // a node's name is a reference segment: no dots
      nodes.put(node, new JsonObject().put("generate", name).put("prompt", "$input.text"));
      lists.add("$nodes." + node + ".sequences");
    }
    String classifierName = name("classifier", classifier);
    if (models.containsKey(classifierName)) {
      throw new ConfigException("classifier", "model names must be unique"); // else it would replace that generator
    }
    models.put(classifierName, withoutName(classifier).put("task", "text-classification"));
    nodes.put("scores", seedMap(lists, classifierName));
    upgraded.put("models", models);
    upgraded.put("graphs", new JsonObject().put(SEED_GRAPH, new JsonObject()
        .put("route", "/" + SEED_GRAPH)
        .put("legacy_events", true)
        .put("input", new JsonObject().put("text", "string"))
        .put("nodes", nodes)
        .put("output", "$nodes.scores")));
    return upgraded;
  }

  /** Each generated sequence classified one after another, shaped as the seed's answer entries. */
  private static JsonObject seedMap(JsonArray lists, String classifier) {
    return new JsonObject()
        .put("map", lists)
        .put("concurrency", 1)
        .put("apply", new JsonObject().put("classify", classifier).put("text", "$item.generated"))
        .put("output", new JsonObject()
            .put("generated", "$item.generated")
            .put("score", "$result.score")
            .put("label", "$result.label")
            .put("model", "$item.model")
            .put("index", "$item.index")
            .put("new_tokens", "$item.new_tokens")
            .put("finish_reason", "$item.finish_reason")
            .put("prompt_truncated", "$item.prompt_truncated")
            .put("timing", new JsonObject()
                .put("generate_started_us", "$item.timing.started_us")
                .put("generate_ended_us", "$item.timing.ended_us")
                .put("classify_started_us", "$result.timing.started_us")
                .put("classify_ended_us", "$result.timing.ended_us")));
  }

  private static String name(String key, JsonObject model) {
    String name = model.getString("name");
    if (name == null) {
      throw new ConfigException(key + ".name", "must be letters, digits, '.', '_' or '-', got null");
    }
    return name;
  }

  private static JsonObject withoutName(JsonObject model) {
    JsonObject copy = model.copy();
    copy.remove("name");
    return copy;
  }
}
