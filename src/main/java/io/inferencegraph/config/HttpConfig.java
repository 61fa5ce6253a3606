package io.inferencegraph.config;

import io.vertx.core.json.JsonObject;

/**
 * The HTTP edge: where it listens and the limits it enforces before any model sees a request.
 * {@code maxInFlight} requests run at once; more are refused with 429 and Retry-After. The admin
 * routes ({@code /admin/...}) answer only loopback clients unless {@code allowRemoteAdmin};
 * {@code access} says which routes take an API key. An event stream sends a keep-alive comment when
 * it opens and every {@code sseHeartbeatMs} after.
 */
public record HttpConfig(String host, int port, long maxBodyBytes, int maxInFlight, long requestTimeoutMs,
    int maxNewTokensLimit, boolean allowRemoteAdmin, AccessConfig access, long sseHeartbeatMs) {

  /** The {@code http} object of the configuration; a bad value fails naming its key. */
  static HttpConfig parse(JsonObject http) {
    return new HttpConfig(
        http.getString("host", "0.0.0.0"),
        ConfigLoader.intIn(http, "http.port", "port", 3000, 0, 65535),
        ConfigLoader.intIn(http, "http.max_body_bytes", "max_body_bytes", 65536, 1, Integer.MAX_VALUE),
        ConfigLoader.intIn(http, "http.max_in_flight", "max_in_flight", 64, 1, 1_000_000),
        ConfigLoader.intIn(http, "http.request_timeout_ms", "request_timeout_ms", 120_000, 1, Integer.MAX_VALUE),
        ConfigLoader.intIn(http, "http.max_new_tokens_limit", "max_new_tokens_limit", 512, 1, 1_000_000),
        ConfigLoader.bool(http, "http.allow_remote_admin", "allow_remote_admin", false),
        AccessConfig.parse(http),
        ConfigLoader.intIn(http, "http.sse_heartbeat_ms", "sse_heartbeat_ms", 15_000, 1, Integer.MAX_VALUE));
  }
}
