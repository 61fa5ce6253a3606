package io.inferencegraph.cli;

import io.inferencegraph.config.ConfigLoader;
import io.inferencegraph.config.GraphConfig;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --config FILE} option every command shares, and loading the configuration it names. */
final class ConfigFile {
  @Option(names = "--config", paramLabel = "FILE", defaultValue = "${env:GRAPH_CONFIG}",
      description = "Configuration file (default conf/config.json, else the one in the jar; env GRAPH_CONFIG).")
  Path file;

  GraphConfig load(JsonObject flags) {
    JsonObject json = ConfigLoader.load(file, System.getenv(), System.getProperties()).mergeIn(flags, true);
    return ConfigLoader.parse(json, Runtime.getRuntime().availableProcessors());
  }
}
