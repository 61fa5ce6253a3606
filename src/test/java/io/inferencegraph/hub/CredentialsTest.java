package io.inferencegraph.hub;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

/** Where HF_TOKEN may go: the Hub's own origin, with default ports read as the scheme implies. */
class CredentialsTest {
  private static final Map<String, String> BEARER = Map.of("Authorization", "Bearer hf_x");

  @Test
  @DisplayName("a port left out is the scheme's default: 443 for https, 80 for http")
  void defaultPorts() {
    Credentials hub = new Credentials(URI.create("https://huggingface.co"), Optional.of("hf_x"));
    assertThat(hub.headersFor(URI.create("https://huggingface.co:443/api/models/a/b"))).isEqualTo(BEARER);
    assertThat(hub.headersFor(URI.create("https://HuggingFace.co/a/b/resolve/main/x"))).isEqualTo(BEARER);
    assertThat(hub.headersFor(URI.create("https://huggingface.co:80/a/b/resolve/main/x"))).isEmpty();

    Credentials mirror = new Credentials(URI.create("http://mirror.internal"), Optional.of("hf_x"));
    assertThat(mirror.headersFor(URI.create("http://mirror.internal:80/a/b/resolve/main/x"))).isEqualTo(BEARER);
    assertThat(mirror.headersFor(URI.create("http://mirror.internal:443/a/b/resolve/main/x"))).isEmpty();
    assertThat(mirror.headersFor(URI.create("https://mirror.internal/a/b/resolve/main/x"))).isEmpty();
  }

  @Test
  @DisplayName("without a token nothing is sent anywhere")
  void noToken() {
    assertThat(new Credentials(URI.create("https://huggingface.co"), Optional.empty())
        .headersFor(URI.create("https://huggingface.co/a/b/resolve/main/x"))).isEmpty();
  }
}
