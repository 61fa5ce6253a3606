package io.inferencegraph.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferencegraph.model.batch.BatchLimits;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The loader merges file, environment and system properties, then types every value, naming the key at fault")
class ConfigLoaderTest {
  private static final Path SEED = Path.of("conf/config.json");

  private static JsonObject seed() {
    return ConfigLoader.load(SEED, Map.of(), new Properties());
  }

  private static Properties properties(String... pairs) {
    Properties p = new Properties();
    for (int i = 0; i < pairs.length; i += 2) {
      p.setProperty(pairs[i], pairs[i + 1]);
    }
    return p;
  }

  private static ModelConfig gpt2(JsonObject json) {
    return ConfigLoader.parse(json).models().get(0);
  }

  @Test
  @DisplayName("GRAPH_A__B sets a.b, lower-cased; graph.a.b overrides it; other names and a bare prefix are ignored")
  void merge() {
    JsonObject json = ConfigLoader.load(SEED, Map.of("GRAPH_HTTP__PORT", "8080", "GRAPH_HTTP__HOST", "127.0.0.1",
        "GRAPH_", "x", "HTTP__PORT", "1", "GRAPH_NEW__DEEP__FIELD", "v"), properties("graph.http.host", "::1",
        "other.http.port", "2"));
    JsonObject http = json.getJsonObject("http");
    assertThat(http.getValue("port")).isEqualTo(8080L);
    assertThat(http.getValue("host")).isEqualTo("::1");
    assertThat(http.getValue("max_in_flight")).as("siblings from the file stay").isEqualTo(64);
    assertThat(json.getJsonObject("new").getJsonObject("deep").getValue("field")).isEqualTo("v");
    assertThat(json.containsKey("")).isFalse();
    assertThat(json.containsKey("other")).isFalse();
    assertThat(json.fieldNames()).doesNotContain("http__port");
  }

  @Test
  @DisplayName("a value from the environment is a whole number, a decimal, a boolean or else text; secrets stay text")
  void scalars() {
    JsonObject json = ConfigLoader.load(SEED, Map.of("GRAPH_A__INT", "-42", "GRAPH_A__DEC", "-.5", "GRAPH_A__ONE",
        "1.25", "GRAPH_A__YES", "true", "GRAPH_A__NO", "false", "GRAPH_A__WORD", "True", "GRAPH_A__DOTS", "1.2.3",
        "GRAPH_A__API_KEYS", "0123", "GRAPH_A__KEYSTORE_PASSWORD", "007", "GRAPH_A__MIXED", "12ab"), new Properties());
    JsonObject a = json.getJsonObject("a");
    assertThat(a.getValue("int")).isEqualTo(-42L);
    assertThat(a.getValue("dec")).isEqualTo(-0.5);
    assertThat(a.getValue("one")).isEqualTo(1.25);
    assertThat(a.getValue("yes")).isEqualTo(true);
    assertThat(a.getValue("no")).isEqualTo(false);
    assertThat(a.getValue("word")).isEqualTo("True");
    assertThat(a.getValue("dots")).isEqualTo("1.2.3");
    assertThat(a.getValue("api_keys")).isEqualTo("0123");
    assertThat(a.getValue("keystore_password")).isEqualTo("007");
    assertThat(a.getValue("mixed")).isEqualTo("12ab");
  }

  @Test
  @DisplayName("no file means conf/config.json; a missing or broken file fails on the key 'file'")
  void files(@TempDir Path dir) throws Exception {
    assertThat(ConfigLoader.load(null, Map.of(), new Properties())).isEqualTo(seed());
    Path missing = dir.resolve("none.json");
    assertThatThrownBy(() -> ConfigLoader.load(missing, Map.of(), new Properties()))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("config file: cannot read " + missing + ": ")
        .extracting(e -> ((ConfigException) e).key()).isEqualTo("file");
    Path broken = Files.writeString(dir.resolve("broken.json"), "{\"models\": ");
    assertThatThrownBy(() -> ConfigLoader.load(broken, Map.of(), new Properties()))
        .isInstanceOf(ConfigException.class).hasMessage("config file: " + broken + " is not valid JSON (line 1, column 12): the text ends before '}' closes the object");
  }

  @Test
  @DisplayName("the seed file's values, and the defaults where a section is left out")
  void defaults() {
    GraphConfig config = ConfigLoader.parse(seed());
    assertThat(config.busTimeoutMs()).isEqualTo(60_000);
    assertThat(config.http()).isEqualTo(new HttpConfig("0.0.0.0", 3000, 65536, 64, 120_000, 512, false,
        AccessConfig.OPEN, 15_000));
    JsonObject bare = seed();
    bare.remove("http");
    bare.remove("event_bus");
    bare.remove("cluster");
    bare.remove("roles");
    bare.getJsonObject("models").forEach(e -> ((JsonObject) e.getValue()).remove("batching"));
    GraphConfig defaults = ConfigLoader.parse(bare);
    assertThat(defaults.http()).isEqualTo(config.http());
    assertThat(defaults.busTimeoutMs()).isEqualTo(60_000);
    assertThat(defaults.cluster()).isEqualTo(config.cluster());
    assertThat(defaults.roles()).isEqualTo(config.roles());
    assertThat(defaults.models().get(0).batching()).isEqualTo(new BatchLimits(16, 32_768, 256, 0));
    assertThat(defaults.models().get(3).batching()).isEqualTo(new BatchLimits(32, Integer.MAX_VALUE, 1024, 0));
    assertThat(defaults.models().get(3).kind()).isEqualTo(ModelConfig.Kind.CLASSIFIER);
    assertThat(defaults.models().get(0).kind()).isEqualTo(ModelConfig.Kind.GENERATOR);
  }

  @Test
  @DisplayName("a model without a path is the directory of its name under models_dir; variant and onnx_file are kept")
  void modelFields() {
    JsonObject json = seed().put("models_dir", "/srv/m");
    json.getJsonObject("models").getJsonObject("gpt2").put("variant", "int8").put("onnx_file", "onnx/x.onnx")
        .put("instances", 2).put("intra_op_threads", "3");
    json.getJsonObject("models").getJsonObject("distilgpt2").remove("path");
    GraphConfig config = ConfigLoader.parse(json);
    ModelConfig gpt2 = config.models().get(0);
    assertThat(gpt2).isEqualTo(new ModelConfig("gpt2", ModelConfig.Kind.GENERATOR,
        new ModelSource.Local(Path.of("/srv/m/gpt2-tiny")), 2, 3, "int8", "onnx/x.onnx",
        new BatchLimits(16, 32_768, 256, 0)));
    assertThat(config.models().get(1).path()).isEqualTo(Path.of("/srv/m/distilgpt2"));
    JsonObject noDir = seed();
    noDir.remove("models_dir");
    assertThat(gpt2(noDir).path()).isEqualTo(Path.of("models/gpt2-tiny"));
  }

  @Test
  @DisplayName("integers: whole numbers, whole doubles and digit strings, bounds included; else the key and range")
  void integers() {
    JsonObject json = seed();
    JsonObject batching = json.getJsonObject("models").getJsonObject("gpt2").getJsonObject("batching");
    batching.put("max_batch_size", 4096).put("max_wait_ms", 0).put("max_queue", "7").put("max_tokens_in_flight", 2.0);
    assertThat(gpt2(json).batching()).isEqualTo(new BatchLimits(4096, 2, 7, 0));
    batching.put("max_batch_size", 1).put("max_wait_ms", 60_000);
    assertThat(gpt2(json).batching()).isEqualTo(new BatchLimits(1, 2, 7, 60_000));
    String key = "config models.gpt2.batching.max_batch_size: ";
    batching.put("max_batch_size", 4097);
    assertRefused(json, key + "must be in [1, 4096], got 4097");
    batching.put("max_batch_size", 0);
    assertRefused(json, key + "must be in [1, 4096], got 0");
    batching.put("max_batch_size", 2.5);
    assertRefused(json, key + "must be an integer, got 2.5");
    batching.put("max_batch_size", "-3");
    assertRefused(json, key + "must be in [1, 4096], got -3");
    batching.put("max_batch_size", "many");
    assertRefused(json, key + "must be an integer, got many");
    batching.put("max_batch_size", true);
    assertRefused(json, key + "must be an integer, got true");
  }

  @Test
  @DisplayName("instances and intra_op_threads: \"auto\" (or absent) is 0 for the plan, else 1 to 1024")
  void autoSizes() {
    JsonObject json = seed();
    JsonObject model = json.getJsonObject("models").getJsonObject("gpt2");
    model.remove("instances");
    model.put("intra_op_threads", 1024);
    assertThat(gpt2(json).instances()).isEqualTo(ModelConfig.AUTO);
    assertThat(gpt2(json).intraOpThreads()).isEqualTo(1024);
    model.put("instances", 1);
    assertThat(gpt2(json).instances()).isEqualTo(1);
    model.put("instances", 0);
    assertRefused(json, "config models.gpt2.instances: must be in [1, 1024], got 0");
    model.put("instances", "auto");
    model.put("intra_op_threads", 1025);
    assertRefused(json,
        "config models.gpt2.intra_op_threads: must be in [1, 1024], got 1025");
    model.put("intra_op_threads", "Auto");
    assertRefused(json,
        "config models.gpt2.intra_op_threads: must be an integer, got Auto");
  }

  @Test
  @DisplayName("models and graphs must be non-empty objects of objects; a model's name is letters, digits, . _ -")
  void structure() {
    JsonObject json = seed();
    json.remove("models");
    assertRefused(json, "config models: must name at least one model: {\"NAME\": {\"path\": ..., \"task\": ...}}");
    assertRefused(seed().put("models", new JsonObject()), "config models: must name at least one model: "
        + "{\"NAME\": {\"path\": ..., \"task\": ...}}");
    assertRefused(seed().put("models", "gpt2"), "config models: must name at least one model: "
        + "{\"NAME\": {\"path\": ..., \"task\": ...}}");
    JsonObject notObject = seed();
    notObject.getJsonObject("models").put("gpt2", "gpt2-tiny");
    assertRefused(notObject, "config models.gpt2: must be an object");
    JsonObject badName = seed();
    badName.getJsonObject("models").put("my model", new JsonObject().put("path", "gpt2-tiny")
        .put("task", "text-generation"));
    assertRefused(badName,
        "config models.my model: a model's name must be letters, digits, '.', '_' or '-', got my model");
    JsonObject noGraphs = seed();
    noGraphs.remove("graphs");
    assertRefused(noGraphs, "config graphs: must declare at least one graph");
    assertRefused(seed().put("graphs", new JsonObject()), "config graphs: must declare at least one graph");
  }

  @Test
  @DisplayName("graph errors come all at once with their pointers; the event-bus timeout must stay below the HTTP one")
  void graphsAndTimeouts() {
    JsonObject json = seed();
    JsonObject nodes = json.getJsonObject("graphs").getJsonObject("classify_generated_texts").getJsonObject("nodes");
    nodes.getJsonObject("gpt2").put("generate", "gpt5");
    assertThatThrownBy(() -> ConfigLoader.parse(json)).isInstanceOf(GraphConfigException.class)
        .satisfies(e -> assertThat(((GraphConfigException) e).problems()).extracting(p -> p.pointer())
            .contains("/graphs/classify_generated_texts/nodes/gpt2/generate"));
    JsonObject equal = seed();
    equal.getJsonObject("event_bus").put("timeout_ms", 120_000);
    assertRefused(equal, "config event_bus.timeout_ms: must be below http.request_timeout_ms (120000) so that "
        + "a model timeout is reported before the HTTP one");
    equal.getJsonObject("event_bus").put("timeout_ms", 119_999);
    assertThat(ConfigLoader.parse(equal).busTimeoutMs()).isEqualTo(119_999);
  }

  @Test
  @DisplayName("a bad generation default or a non-boolean flag fails naming its key")
  void generationAndBooleans() {
    JsonObject json = seed();
    json.getJsonObject("generation").put("temperature", -1);
    assertRefused(json, "config generation.temperature: temperature: must be a finite number > 0");
    JsonObject flag = seed().put("onnx_runtime", new JsonObject().put("prepacking", "no"));
    assertRefused(flag, "config onnx_runtime.prepacking: must be true or false, got no");
    JsonObject arenas = seed().put("onnx_runtime", new JsonObject().put("malloc_arenas", 1025));
    assertRefused(arenas, "config onnx_runtime.malloc_arenas: must be in [0, 1024], got 1025");
    assertThat(ConfigLoader.parse(seed().put("onnx_runtime", new JsonObject().put("malloc_arenas", 1024)
        .put("malloc_trim_interval_ms", 5))).malloc()).isEqualTo(new MallocConfig(1024, 5));
  }

  @Test
  @DisplayName("a section that is not an object fails naming it, in the file or under a variable that goes through it")
  void sectionsAreObjects() {
    for (String section : new String[] {"http", "event_bus", "generation", "cluster", "onnx_runtime"}) {
      assertRefused(seed().put(section, 5), "config " + section + ": must be an object, got 5");
    }
    JsonObject batching = seed();
    batching.getJsonObject("models").getJsonObject("gpt2").put("batching", "fast");
    assertRefused(batching, "config models.gpt2.batching: must be an object, got fast");
    assertThatThrownBy(() -> ConfigLoader.load(SEED, Map.of("GRAPH_HTTP__HOST__NAME", "x"), new Properties()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("config http.host: must be an object to set http.host.name, got 0.0.0.0");
  }

  private static void assertRefused(JsonObject json, String message) {
    assertThatThrownBy(() -> ConfigLoader.parse(json)).isInstanceOf(ConfigException.class).hasMessage(message);
  }
}
