package io.inferencegraph.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A model's task: as configured, else what its config.json's {@code architectures} say. */
final class Tasks {
  static final String GENERATION = "text-generation";
  static final String CLASSIFICATION = "text-classification";

  private Tasks() {}

  static String of(String key, Object configured, ModelSource source) {
    if (configured != null) {
      if (GENERATION.equals(configured) || CLASSIFICATION.equals(configured)) {
        return (String) configured;
      }
      throw new ConfigException(key, "must be " + GENERATION + " or " + CLASSIFICATION + ", got " + configured);
    }
    if (source instanceof ModelSource.Local local) {
      String task = fromArchitectures(local.dir().resolve("config.json"));
      if (task != null) {
        return task;
      }
    }
    throw new ConfigException(key, "is not set and " + source + "/config.json does not say (architectures "
        + "*ForCausalLM / *LMHeadModel or *ForSequenceClassification); set " + GENERATION + " or " + CLASSIFICATION);
  }

  private static String fromArchitectures(Path config) {
    try {
      JsonArray architectures = new JsonObject(Files.readString(config)).getJsonArray("architectures");
      String first = architectures == null || architectures.isEmpty() ? "" : architectures.getString(0);
      if (first.endsWith("ForSequenceClassification")) {
        return CLASSIFICATION;
      }
      return first.endsWith("ForCausalLM") || first.endsWith("LMHeadModel") ? GENERATION : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
