package io.inferencegraph.hub;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where and how to reach the Hub: HF_ENDPOINT (default https://huggingface.co), HF_TOKEN, HF_HUB_CACHE (wins) or
 * HF_HOME + "/hub" (default ~/.cache/huggingface/hub), HF_HUB_OFFLINE, read as huggingface_hub reads them.
 */
public record HubSettings(URI endpoint, Optional<String> token, Path cacheDir, boolean offline) {
  public static final URI DEFAULT_ENDPOINT = URI.create("https://huggingface.co");
  private static final Set<String> TRUE = Set.of("1", "ON", "YES", "TRUE");

  public HubSettings {
    endpoint = checkEndpoint(endpoint);
    cacheDir = cacheDir.toAbsolutePath().normalize();
  }

  /** Reads the variables above from {@code env} and nothing else but the user.home property for the default. */
  public static HubSettings fromEnvironment(Map<String, String> env) {
    URI endpoint = value(env, "HF_ENDPOINT").map(HubSettings::parseEndpoint).orElse(DEFAULT_ENDPOINT);
    Optional<String> token = value(env, "HF_TOKEN");
    Path cache = value(env, "HF_HUB_CACHE").map(HubSettings::expandHome)
        .orElseGet(() -> value(env, "HF_HOME").map(HubSettings::expandHome)
            .orElseGet(() -> Path.of(System.getProperty("user.home"), ".cache", "huggingface"))
            .resolve("hub"));
    boolean offline = value(env, "HF_HUB_OFFLINE").map(v -> TRUE.contains(v.toUpperCase(Locale.ROOT))).orElse(false);
    return new HubSettings(endpoint, token, cache, offline);
  }

  private static Optional<String> value(Map<String, String> env, String name) {
    return Optional.ofNullable(env.get(name)).map(String::strip).filter(v -> !v.isEmpty());
  }

  private static Path expandHome(String path) {
    if (path.equals("~") || path.startsWith("~/")) {
      return Path.of(System.getProperty("user.home") + path.substring(1));
    }
    return Path.of(path);
  }

  private static URI parseEndpoint(String text) {
    try {
      return new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("HF_ENDPOINT '" + text + "' is not a URL: " + e.getReason());
    }
  }

  private static URI checkEndpoint(URI endpoint) {
    String scheme = endpoint.getScheme();
    if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || endpoint.getHost() == null) {
      throw new IllegalArgumentException("HF_ENDPOINT '" + endpoint + "' must be an http(s) URL with a host");
    }
    String text = endpoint.toString();
    return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : endpoint;
  }
}
