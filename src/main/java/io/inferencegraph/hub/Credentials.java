package io.inferencegraph.hub;

import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The token's bearer header, sent to the Hub endpoint itself and never to another host (the CDN gets signed URLs);
 * {@code source} says where the token came from (HF_TOKEN, HUGGING_FACE_HUB_TOKEN or the token file), for messages.
 */
record Credentials(URI endpoint, Optional<String> token, String source) {
  Credentials(URI endpoint, Optional<String> token) {
    this(endpoint, token, "HF_TOKEN");
  }

  /** Where the token sent to {@code target} came from; empty when none is sent there. */
  Optional<String> sourceFor(URI target) {
    return headersFor(target).isEmpty() ? Optional.empty() : Optional.of(source);
  }

  Map<String, String> headersFor(URI target) {
    if (token.isEmpty() || !sameOrigin(target)) {
      return Map.of();
    }
    return Map.of("Authorization", "Bearer " + token.get());
  }

  /** Whether {@code target} is on the Hub endpoint's origin (scheme, host, port), the one place the token goes. */
  boolean onHub(URI target) {
    return sameOrigin(target);
  }

  private boolean sameOrigin(URI target) {
    return endpoint.getScheme().equalsIgnoreCase(target.getScheme())
        && endpoint.getHost().equalsIgnoreCase(Objects.requireNonNullElse(target.getHost(), ""))
        && port(endpoint) == port(target);
  }

  private static int port(URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }
}
