package io.inferencegraph.cli;

import io.inferencegraph.config.ConfigLoader;
import io.inferencegraph.config.GraphConfig;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** The {@code --config FILE} option every command shares, and loading the configuration it names. */
final class ConfigFile {
  @Option(names = "--config", paramLabel = "FILE",
      description = "Configuration file (default conf/config.json, else the one in the jar; env GRAPH_CONFIG).")
  Path file;

  GraphConfig load(JsonObject flags, Map<String, String> env) {
    Path chosen = file != null ? file : env.containsKey("GRAPH_CONFIG") ? Path.of(env.get("GRAPH_CONFIG")) : null;
    JsonObject json = ConfigLoader.load(chosen, env, System.getProperties()).mergeIn(flags, true);
    return ConfigLoader.parse(json, Runtime.getRuntime().availableProcessors());
  }
}
