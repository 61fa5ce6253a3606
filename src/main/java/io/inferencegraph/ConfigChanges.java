package io.inferencegraph;

import io.inferencegraph.config.GraphConfig;
import io.inferencegraph.config.InvalidConfigException;
import io.inferencegraph.config.ModelConfig;
import io.inferencegraph.graph.plan.GraphDef;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a reload changes: graphs added, removed or changed; this node's models to load, unload or
 * load again (any setting they load with differs); and the settings that only a restart applies.
 */
record ConfigChanges(Changes graphs, Changes models, List<String> restartRequired, GraphConfig next) {

  /** Names, each list sorted. */
  record Changes(List<String> added, List<String> removed, List<String> changed) {
    JsonObject toJson() {
      return new JsonObject().put("added", new JsonArray(added)).put("removed", new JsonArray(removed))
          .put("changed", new JsonArray(changed));
    }

    boolean isEmpty() {
      return added.isEmpty() && removed.isEmpty() && changed.isEmpty();
    }
  }

  /** From {@code current} to {@code next}, for a node that serves {@code served} as they are now. */
  static ConfigChanges of(GraphConfig current, GraphConfig next, ModelDeployments served) {
    Map<String, GraphDef> before = byName(current.graphs(), GraphDef::name);
    Map<String, GraphDef> after = byName(next.graphs(), GraphDef::name);
    Changes graphs = changes(before.keySet().stream().toList(), after.keySet().stream().toList(),
        name -> !before.get(name).source().equals(after.get(name).source())
            || !before.get(name).route().equals(after.get(name).route()));
    Map<String, ModelConfig> wanted = byName(next.models().stream().filter(next.roles()::serves).toList(),
        ModelConfig::name);
    Changes models = changes(served.names(), wanted.keySet().stream().toList(),
        name -> !served.servesAsIs(wanted.get(name), next.sessionTuning()));
    return new ConfigChanges(graphs, models, restartRequired(current, next), next);
  }

  /** The models to load: new ones and those whose settings changed, as {@code next} declares them. */
  List<ModelConfig> modelsToLoad() {
    List<String> names = new ArrayList<>(models.added());
    names.addAll(models.changed());
    return next.models().stream().filter(m -> names.contains(m.name())).toList();
  }

  /** The answer to a reload. */
  JsonObject toJson() {
    return new JsonObject().put("status", "reloaded").put("graphs", graphs.toJson()).put("models", models.toJson())
        .put("warnings", InvalidConfigException.toJson(next.warnings()))
        .put("restart_required", new JsonArray(restartRequired));
  }

  @Override
  public String toString() {
    return "graphs " + graphs.toJson().encode() + ", models " + models.toJson().encode()
        + (restartRequired.isEmpty() ? "" : ", still as at start until a restart: " + restartRequired);
  }

  /** Settings read once at start (the HTTP server, its admission cap, the bus client, the cluster, malloc). */
  private static List<String> restartRequired(GraphConfig current, GraphConfig next) {
    List<String> keys = new ArrayList<>();
    differs(keys, "http.host", current.http().host(), next.http().host());
    differs(keys, "http.port", current.http().port(), next.http().port());
    differs(keys, "http.max_in_flight", current.http().maxInFlight(), next.http().maxInFlight());
    differs(keys, "event_bus.timeout_ms", current.busTimeoutMs(), next.busTimeoutMs());
    differs(keys, "roles", current.roles().http(), next.roles().http());
    differs(keys, "cluster", current.cluster(), next.cluster());
    differs(keys, "onnx_runtime.malloc_arenas", current.malloc().arenas(), next.malloc().arenas());
    differs(keys, "onnx_runtime.malloc_trim_interval_ms", current.malloc().trimIntervalMillis(),
        next.malloc().trimIntervalMillis());
    return keys;
  }

  private static void differs(List<String> keys, String key, Object before, Object after) {
    if (!Objects.equals(before, after)) {
      keys.add(key);
    }
  }

  private static Changes changes(List<String> before, List<String> after, java.util.function.Predicate<String> changed) {
    return new Changes(
        after.stream().filter(name -> !before.contains(name)).sorted().toList(),
        before.stream().filter(name -> !after.contains(name)).sorted().toList(),
        after.stream().filter(before::contains).filter(changed).sorted().toList());
  }

  private static <T> Map<String, T> byName(List<T> items, Function<T, String> name) {
    return items.stream().collect(Collectors.toMap(name, Function.identity()));
  }
}
