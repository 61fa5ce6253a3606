package io.inferencegraph.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The old form (generators and a classifier) is the seed graph, written exactly as conf/config.json declares it")
class LegacyFormTest {
  private static JsonObject seed() {
    return ConfigLoader.load(Path.of("conf/config.json"), Map.of(), new Properties());
  }

  /** conf/config.json's models in the old form: a list of named generators and a named classifier. */
  private static JsonObject legacy() {
    JsonObject json = seed();
    JsonObject models = (JsonObject) json.remove("models");
    json.remove("graphs");
    JsonArray generators = new JsonArray();
    for (String name : new String[] {"gpt2", "distilgpt2", "gpt2-medium"}) {
      JsonObject model = models.getJsonObject(name).copy().put("name", name);
      model.remove("task");
      generators.add(model);
    }
    JsonObject classifier = models.getJsonObject("bert-base-uncased").copy().put("name", "bert-base-uncased");
    classifier.remove("task");
    return json.put("generators", generators).put("classifier", classifier);
  }

  @Test
  @DisplayName("the upgraded form has the seed's models, in order, and its graph but for the description")
  void sameAsSeed() {
    JsonObject upgraded = LegacyForm.upgrade(legacy());
    JsonObject expected = seed();
    expected.getJsonObject("graphs").getJsonObject(LegacyForm.SEED_GRAPH).remove("description");
    assertThat(upgraded.getJsonObject("models")).isEqualTo(expected.getJsonObject("models"));
    assertThat(upgraded.getJsonObject("models").fieldNames())
        .containsExactly("gpt2", "distilgpt2", "gpt2-medium", "bert-base-uncased");
    assertThat(upgraded.getJsonObject("graphs")).isEqualTo(expected.getJsonObject("graphs"));
    assertThat(upgraded.containsKey("generators")).isFalse();
    assertThat(upgraded.containsKey("classifier")).isFalse();
    assertThat(upgraded.getJsonObject("http")).isEqualTo(expected.getJsonObject("http"));
    GraphConfig config = ConfigLoader.parse(legacy());
    assertThat(config.models()).isEqualTo(ConfigLoader.parse(seed()).models());
    assertThat(config.graphs()).hasSize(1);
  }

  @Test
  @DisplayName("a dot in a generator's name becomes '_' in its node, since a node's name is a reference segment")
  void dottedName() {
    JsonObject json = legacy();
    json.getJsonArray("generators").getJsonObject(0).put("name", "gpt2.v1");
    JsonObject nodes = LegacyForm.upgrade(json).getJsonObject("graphs").getJsonObject(LegacyForm.SEED_GRAPH)
        .getJsonObject("nodes");
    assertThat(nodes.getJsonObject("gpt2_v1")).isEqualTo(new JsonObject().put("generate", "gpt2.v1")
        .put("prompt", "$input.text"));
    assertThat(nodes.getJsonObject("scores").getJsonArray("map").getString(0)).isEqualTo("$nodes.gpt2_v1.sequences");
  }

  @Test
  @DisplayName("only generators or only a classifier is the old form; neither is the new one")
  void applies() {
    assertThat(LegacyForm.applies(seed())).isFalse();
    assertThat(LegacyForm.applies(new JsonObject())).isFalse();
    assertThat(LegacyForm.applies(new JsonObject().put("generators", new JsonArray()))).isTrue();
    assertThat(LegacyForm.applies(new JsonObject().put("classifier", new JsonObject()))).isTrue();
  }

  @Test
  @DisplayName("both forms at once fails naming the old key and the new one")
  void bothForms() {
    String tail = ": declare every model under models, with its task";
    assertThatThrownBy(() -> LegacyForm.applies(legacy().put("models", new JsonObject())))
        .isInstanceOf(ConfigException.class).hasMessage("config generators: is the old form of models and the seed "
            + "graph; this configuration declares models" + tail);
    JsonObject classifierAndGraphs = new JsonObject().put("classifier", new JsonObject())
        .put("graphs", new JsonObject());
    assertThatThrownBy(() -> LegacyForm.applies(classifierAndGraphs))
        .isInstanceOf(ConfigException.class).hasMessage("config classifier: is the old form of models and the seed "
            + "graph; this configuration declares graphs" + tail);
  }

  @Test
  @DisplayName("a malformed old form fails naming the entry at fault")
  void malformed() {
    JsonObject noGenerators = legacy();
    noGenerators.remove("generators");
    assertRefused(noGenerators, "config generators: must list at least one text-generation model");
    assertRefused(legacy().put("generators", new JsonArray()),
        "config generators: must list at least one text-generation model");
    assertRefused(legacy().put("classifier", "bert"),
        "config classifier: must be an object with the classification model");
    JsonObject notObject = legacy();
    notObject.getJsonArray("generators").add("gpt2");
    assertRefused(notObject, "config generators[3]: must be an object");
    JsonObject unnamed = legacy();
    unnamed.getJsonArray("generators").getJsonObject(1).remove("name");
    assertRefused(unnamed, "config generators[1].name: must be letters, digits, '.', '_' or '-', got null");
    JsonObject twice = legacy();
    twice.getJsonArray("generators").getJsonObject(1).put("name", "gpt2");
    assertRefused(twice, "config generators: model names must be unique");
    JsonObject sameAsGenerator = legacy();
    sameAsGenerator.getJsonObject("classifier").put("name", "distilgpt2");
    assertRefused(sameAsGenerator, "config classifier: model names must be unique");
    JsonObject unnamedClassifier = legacy();
    unnamedClassifier.getJsonObject("classifier").remove("name");
    assertRefused(unnamedClassifier, "config classifier.name: must be letters, digits, '.', '_' or '-', got null");
  }

  private static void assertRefused(JsonObject json, String message) {
    assertThatThrownBy(() -> ConfigLoader.parse(json)).isInstanceOf(ConfigException.class).hasMessage(message);
  }
}
