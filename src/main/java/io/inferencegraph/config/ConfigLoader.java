package io.inferencegraph.config;

import io.inferencegraph.api.GenerationParams;
import io.inferencegraph.api.ServiceException;
import io.inferencegraph.graph.plan.GraphDef;
import io.inferencegraph.graph.plan.GraphParser;
import io.inferencegraph.graph.plan.Problems;
import io.inferencegraph.model.batch.BatchLimits;
import io.inferencegraph.model.load.SessionTuning;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Reads the configuration once: the JSON file, then environment variables ({@code GRAPH_HTTP__PORT}
 * sets {@code http.port}: double underscores separate levels), then system properties
 * ({@code -Dgraph.http.port=...}); later sources win. Parsing checks every value and names the key
 * at fault.
 */
public final class ConfigLoader {
  public static final String DEFAULT_FILE = "conf/config.json";
  private static final String ENV_PREFIX = "GRAPH_";
  private static final String PROPERTY_PREFIX = "graph.";
  private static final BatchLimits GENERATOR_BATCHING = new BatchLimits(16, 32_768, 256, 0);
  private static final BatchLimits CLASSIFIER_BATCHING = new BatchLimits(32, Integer.MAX_VALUE, 1024, 0);

  private ConfigLoader() {}

  /** The raw merged JSON; {@code file} null means conf/config.json, or the copy inside the jar. */
  public static JsonObject load(Path file, Map<String, String> env, Properties properties) {
    JsonObject json = file != null ? ConfigDocument.read(file) : ConfigDocument.readDefault();
    env.forEach((name, value) -> {
      if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length()) {
        put(json, name.substring(ENV_PREFIX.length()).toLowerCase().split("__"), value);
      }
    });
    properties.stringPropertyNames().stream().filter(n -> n.startsWith(PROPERTY_PREFIX)).forEach(name ->
        put(json, name.substring(PROPERTY_PREFIX.length()).split("\\."), properties.getProperty(name)));
    return json;
  }

  /**
   * Checks and types the merged JSON ("auto" stays {@link ModelConfig#AUTO} for {@link Plan}); the graphs
   * are checked in full: any error throws a {@link GraphConfigException} listing every problem. */
  public static GraphConfig parse(JsonObject raw) {
    JsonObject json = LegacyForm.applies(raw) ? LegacyForm.upgrade(raw) : raw;
    Path modelsDir = Path.of(json.getString("models_dir", "models"));
    if (!(json.getValue("models") instanceof JsonObject modelsJson) || modelsJson.isEmpty()) {
      throw new ConfigException("models", "must name at least one model: {\"NAME\": {\"path\": ..., \"task\": ...}}");
    }
    Map<String, ModelSource> sources = new LinkedHashMap<>();
    Map<String, String> tasks = new LinkedHashMap<>();
    for (String name : modelsJson.fieldNames()) {
      if (!(modelsJson.getValue(name) instanceof JsonObject model)) {
        throw new ConfigException("models." + name, "must be an object");
      }
      sources.put(name, ModelSource.parse("models." + name + ".path", model.getString("path", name), modelsDir));
      tasks.put(name, Tasks.of("models." + name + ".task", model.getValue("task"), sources.get(name)));
    }
    List<String> generatorNames = tasks.entrySet().stream().filter(e -> e.getValue().equals(Tasks.GENERATION))
        .map(Map.Entry::getKey).toList();
    Roles roles = Roles.parse(json.getValue(Roles.KEY), generatorNames);
    List<ModelConfig> models = new ArrayList<>();
    for (String name : modelsJson.fieldNames()) {
      boolean generator = tasks.get(name).equals(Tasks.GENERATION);
      models.add(model("models." + name, name, generator ? ModelConfig.Kind.GENERATOR : ModelConfig.Kind.CLASSIFIER,
          modelsJson.getJsonObject(name), sources.get(name),
          generator ? GENERATOR_BATCHING : CLASSIFIER_BATCHING));
    }
    Problems problems = new Problems();
    if (!(json.getValue("graphs") instanceof JsonObject graphsJson) || graphsJson.isEmpty()) {
      throw new ConfigException("graphs", "must declare at least one graph");
    }
    List<GraphDef> graphs = new GraphParser(tasks, problems).parseAll(graphsJson, "/graphs");
    if (problems.hasErrors()) {
      throw new GraphConfigException(problems.all());
    }
    HttpConfig httpConfig = HttpConfig.parse(section(json, "", "http"));
    JsonObject bus = section(json, "", "event_bus");
    long busTimeout = intIn(bus, "event_bus.timeout_ms", "timeout_ms", 60_000, 1, Integer.MAX_VALUE);
    if (busTimeout >= httpConfig.requestTimeoutMs()) {
      throw new ConfigException("event_bus.timeout_ms", "must be below http.request_timeout_ms ("
          + httpConfig.requestTimeoutMs() + ") so that a model timeout is reported before the HTTP one");
    }
    return new GraphConfig(httpConfig, models, graphs, problems.all(),
        generation(section(json, "", "generation")), busTimeout, roles,
        ClusterConfig.parse(section(json, "", "cluster")),
        sessionTuning(section(json, "", "onnx_runtime")),
        malloc(section(json, "", "onnx_runtime")), ShutdownConfig.parse(json));
  }

  /** Prepacking and the arena on, spinning off, turns on the cores: see SessionTuning for what each was measured at. */
  private static SessionTuning sessionTuning(JsonObject json) {
    SessionTuning defaults = SessionTuning.DEFAULT;
    return new SessionTuning(bool(json, "onnx_runtime.prepacking", "prepacking", defaults.prepacking()),
        bool(json, "onnx_runtime.cpu_arena", "cpu_arena", defaults.cpuArena()),
        bool(json, "onnx_runtime.spinning", "spinning", defaults.spinning()),
        bool(json, "onnx_runtime.core_turns", "core_turns", defaults.coreTurns()));
  }

  private static MallocConfig malloc(JsonObject json) {
    MallocConfig defaults = MallocConfig.DEFAULT;
    return new MallocConfig(intIn(json, "onnx_runtime.malloc_arenas", "malloc_arenas", defaults.arenas(), 0, 1024),
        intIn(json, "onnx_runtime.malloc_trim_interval_ms", "malloc_trim_interval_ms",
            (int) defaults.trimIntervalMillis(), 0, Integer.MAX_VALUE));
  }

  /** The object at {@code field} of {@code json} (at {@code parent.field}; "" for the root), empty when absent. */
  private static JsonObject section(JsonObject json, String parent, String field) {
    Object value = json.getValue(field);
    if (value != null && !(value instanceof JsonObject)) {
      throw new ConfigException(parent.isEmpty() ? field : parent + "." + field, "must be an object, got " + value);
    }
    return value == null ? new JsonObject() : (JsonObject) value;
  }

  static boolean bool(JsonObject json, String key, String field, boolean fallback) {
    Object value = json.getValue(field);
    if (value == null) {
      return fallback;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    throw new ConfigException(key, "must be true or false, got " + value);
  }

  private static ModelConfig model(String key, String name, ModelConfig.Kind kind, JsonObject json,
      ModelSource source, BatchLimits defaults) {
    if (!name.matches("[A-Za-z0-9._-]+")) {
      throw new ConfigException(key, "a model's name must be letters, digits, '.', '_' or '-', got " + name);
    }
    // "auto" is sized later, from the model files and the machine (Plan, Sizing)
    int instances = auto(json, key + ".instances", "instances", ModelConfig.AUTO);
    int threads = auto(json, key + ".intra_op_threads", "intra_op_threads", ModelConfig.AUTO);
    return new ModelConfig(name, kind, source, instances, threads,
        json.getString("variant"), json.getString("onnx_file"),
        batching(key + ".batching", section(json, key, "batching"), defaults));
  }

  private static BatchLimits batching(String key, JsonObject json, BatchLimits defaults) {
    return new BatchLimits(
        intIn(json, key + ".max_batch_size", "max_batch_size", defaults.maxBatchSize(), 1, 4096),
        intIn(json, key + ".max_tokens_in_flight", "max_tokens_in_flight", defaults.maxTokensInFlight(), 1,
            Integer.MAX_VALUE),
        intIn(json, key + ".max_queue", "max_queue", defaults.maxQueue(), 1, 1_000_000),
        intIn(json, key + ".max_wait_ms", "max_wait_ms", (int) defaults.maxWaitMillis(), 0, 60_000));
  }

  private static GenerationParams generation(JsonObject json) {
    if (json.containsKey("logprobs")) { // what a client asks to see, not how to generate: no default
      throw new ConfigException("generation.logprobs", "logprobs is set per request only, not as a default");
    }
    try {
      return GenerationParams.parse(json.getMap());
    } catch (ServiceException e) {
      throw new ConfigException("generation." + e.param(), e.getMessage());
    }
  }

  private static int auto(JsonObject json, String key, String field, int autoValue) {
    Object value = json.getValue(field, "auto");
    if ("auto".equals(value)) {
      return autoValue;
    }
    return intIn(json, key, field, autoValue, 1, 1024);
  }

  static int intIn(JsonObject json, String key, String field, int fallback, int min, int max) {
    Object value = json.getValue(field);
    if (value == null) {
      return fallback;
    }
    long number;
    if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      number = n.longValue();
    } else if (value instanceof String s && s.matches("-?\\d+")) {
      number = Long.parseLong(s);
    } else {
      throw new ConfigException(key, "must be an integer, got " + value);
    }
    if (number < min || number > max) {
      throw new ConfigException(key, "must be in [" + min + ", " + max + "], got " + number);
    }
    return (int) number;
  }

  private static void put(JsonObject json, String[] path, String raw) {
    JsonObject target = json;
    for (int i = 0; i < path.length - 1; i++) {
      Object next = target.getValue(path[i]);
      if (next == null) {
        next = new JsonObject();
        target.put(path[i], next);
      } else if (!(next instanceof JsonObject)) {
        throw new ConfigException(String.join(".", Arrays.copyOf(path, i + 1)), "must be an object to set "
            + String.join(".", path) + ", got " + next);
      }
      target = (JsonObject) next;
    }
    String field = path[path.length - 1];
    // Secrets stay exactly as written: an all-digit key or password is not a number.
    target.put(field, field.endsWith("keys") || field.endsWith("password") ? raw : scalar(raw));
  }

  /** "8080" is a number, "true" a boolean, anything else a string. */
  private static Object scalar(String raw) {
    if (raw.matches("-?\\d+")) {
      return Long.parseLong(raw);
    }
    if (raw.matches("-?\\d*\\.\\d+")) {
      return Double.parseDouble(raw);
    }
    if (raw.equals("true") || raw.equals("false")) {
      return Boolean.parseBoolean(raw);
    }
    return raw;
  }
}
