package io.inferencegraph.hub;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where and how to reach the Hub, read from the HF_* variables as huggingface_hub reads them ({@link HfEnvironment}):
 * the endpoint, the token and where it came from (for messages), the cache directory, and whether to stay offline.
 */
public record HubSettings(URI endpoint, Optional<String> token, Path cacheDir, boolean offline, String tokenSource) {
  public static final URI DEFAULT_ENDPOINT = URI.create("https://huggingface.co");

  public HubSettings {
    endpoint = checkEndpoint(endpoint);
    cacheDir = cacheDir.toAbsolutePath().normalize();
  }

  /** With a token taken from HF_TOKEN. */
  public HubSettings(URI endpoint, Optional<String> token, Path cacheDir, boolean offline) {
    this(endpoint, token, cacheDir, offline, "HF_TOKEN");
  }

  /** Reads the variables from {@code env}, the token file they name, and the user.home property for "~". */
  public static HubSettings fromEnvironment(Map<String, String> env) {
    HfEnvironment hf = new HfEnvironment(env);
    URI endpoint = hf.value("HF_ENDPOINT").map(HubSettings::parseEndpoint).orElse(DEFAULT_ENDPOINT);
    Optional<HfEnvironment.Token> token = hf.token();
    return new HubSettings(endpoint, token.map(HfEnvironment.Token::value), hf.hubCache(), hf.offline(),
        token.map(HfEnvironment.Token::source).orElse("HF_TOKEN"));
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
