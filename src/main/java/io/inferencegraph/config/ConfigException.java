package io.inferencegraph.config;

/** A configuration value that is missing or wrong; the message names the key. */
public final class ConfigException extends RuntimeException {
  private final String key;
  private final String problem;

  public ConfigException(String key, String problem) {
    super("config " + key + ": " + problem);
    this.key = key;
    this.problem = problem;
  }

  /** The key at fault, dotted ({@code http.port}); {@code file} when the file itself could not be read. */
  public String key() {
    return key;
  }

  /** What is wrong with it, without the key. */
  public String problem() {
    return problem;
  }
}
