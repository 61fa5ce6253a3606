package io.inferencegraph.config;

/**
 * The HTTP edge: where it listens and the limits it enforces before any model sees a request.
 * {@code maxInFlight} requests run at once; more are refused with 429 and Retry-After. The admin
 * routes ({@code /admin/...}) answer only loopback clients unless {@code allowRemoteAdmin};
 * {@code access} says which routes take an API key.
 */
public record HttpConfig(String host, int port, long maxBodyBytes, int maxInFlight, long requestTimeoutMs,
    int maxNewTokensLimit, boolean allowRemoteAdmin, AccessConfig access) {}
