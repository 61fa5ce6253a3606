package io.inferencegraph.cli;

import io.inferencegraph.config.ConfigLoader;
import io.inferencegraph.config.GraphConfig;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The {@code --config FILE} option every command shares, and loading the configuration it names. */
final class ConfigFile {
  @Option(names = "--config", paramLabel = "FILE",
      description = "Configuration file (default conf/config.json, else the one in the jar; env GRAPH_CONFIG).")
  Path file;

  GraphConfig load(JsonObject flags, Map<String, String> env) {
    Path chosen = chosen(env);
    JsonObject json = ConfigLoader.load(chosen, env, System.getProperties()).mergeIn(flags, true);
    return ConfigLoader.parse(json);
  }

  /** The file a command reads: --config, else GRAPH_CONFIG, else conf/config.json if there; empty for the jar's. */
  Optional<Path> inUse(Map<String, String> env) {
    Path chosen = chosen(env);
    if (chosen != null) {
      return Optional.of(chosen);
    }
    Path fallback = Path.of(ConfigLoader.DEFAULT_FILE);
    return Files.isRegularFile(fallback) ? Optional.of(fallback) : Optional.empty();
  }

  private Path chosen(Map<String, String> env) {
    return file != null ? file : env.containsKey("GRAPH_CONFIG") ? Path.of(env.get("GRAPH_CONFIG")) : null;
  }
}
