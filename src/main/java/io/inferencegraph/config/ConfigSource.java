package io.inferencegraph.config;

/**
 * The configuration the server was started with, read again the same way (file, environment,
 * system properties, flags), for a reload.
 */
@FunctionalInterface
public interface ConfigSource {
  /** For a server started from a configuration it cannot read again (tests, embedding). */
  ConfigSource NONE = () -> {
    throw new ConfigException("file", "this server was started without a configuration file to read again");
  };

  /** Reads and checks it; throws {@link ConfigException} or {@link GraphConfigException} when it cannot be used. */
  GraphConfig load();
}
