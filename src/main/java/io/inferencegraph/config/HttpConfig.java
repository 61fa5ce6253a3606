package io.inferencegraph.config;

/**
 * The HTTP edge: where it listens and the limits it enforces before any model sees a request.
 * {@code maxInFlight} requests run at once; more are refused with 429 and Retry-After. {@code access}
 * says which routes take an API key.
 */
public record HttpConfig(String host, int port, long maxBodyBytes, int maxInFlight, long requestTimeoutMs,
    int maxNewTokensLimit, AccessConfig access) {}
