package io.inferencegraph.config;

import io.vertx.core.json.JsonObject;

/**
 * What SIGTERM does: {@code unreadyDelayMs}, how long an edge answers {@code /readyz} 503 while it
 * still serves, so that load balancers stop sending before it stops accepting; {@code drainTimeoutMs},
 * the longest the node then waits for the requests it holds before it closes anyway.
 */
public record ShutdownConfig(long drainTimeoutMs, long unreadyDelayMs) {
  public static final ShutdownConfig DEFAULT = new ShutdownConfig(30_000, 0);

  static ShutdownConfig parse(JsonObject root) {
    Object value = root.getValue("shutdown");
    if (value == null) {
      return DEFAULT;
    }
    if (!(value instanceof JsonObject json)) {
      throw new ConfigException("shutdown", "must be an object: {\"drain_timeout_ms\": 30000}");
    }
    return new ShutdownConfig(
        ConfigLoader.intIn(json, "shutdown.drain_timeout_ms", "drain_timeout_ms", (int) DEFAULT.drainTimeoutMs(), 0,
            Integer.MAX_VALUE),
        ConfigLoader.intIn(json, "shutdown.unready_delay_ms", "unready_delay_ms", (int) DEFAULT.unreadyDelayMs(), 0,
            Integer.MAX_VALUE));
  }
}
