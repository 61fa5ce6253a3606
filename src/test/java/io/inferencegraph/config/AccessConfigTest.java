package io.inferencegraph.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("API keys come from the config, a file and the environment; a bad one fails naming the key, never showing it")
class AccessConfigTest {
  private static AccessConfig parse(Map<String, String> env) {
    return ConfigLoader.parse(ConfigLoader.load(Path.of("conf/config.json"), env, new Properties())).http().access();
  }

  @Test
  @DisplayName("by default the API is open and so are /metrics and /traces")
  void open() {
    AccessConfig access = parse(Map.of());
    assertThat(access).isEqualTo(AccessConfig.OPEN);
    assertThat(access.describe()).contains("the API is OPEN");
  }

  @Test
  @DisplayName("keys from GRAPH_HTTP__API_KEYS and from a file add up; all-digit keys stay text; admin routes go loopback")
  void environmentAndFile(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("keys"), "# rotated in March\nfile-key-0123456789abcdef\n\n");
    AccessConfig access = parse(Map.of("GRAPH_HTTP__API_KEYS", "00012345678901234567890, env-key-0123456789abcdef",
        "GRAPH_HTTP__API_KEYS_FILE", file.toString()));
    assertThat(access.apiKeys().size()).isEqualTo(3);
    assertThat(access.apiKeys().matches("00012345678901234567890")).isTrue();
    assertThat(access.apiKeys().matches("file-key-0123456789abcdef")).isTrue();
    assertThat(access.apiKeys().matches("env-key-0123456789abcdef")).isTrue();
    assertThat(access.adminKeys().isEmpty()).isTrue();
    assertThat(access.adminLoopbackOnly()).as("API keys without admin keys keep the admin routes on loopback").isTrue();
    assertThat(access.toString()).doesNotContain("env-key").doesNotContain("file-key");
  }

  @Test
  @DisplayName("admin keys, and an explicit admin_loopback_only, are taken as given")
  void adminKeys() {
    AccessConfig access = parse(Map.of("GRAPH_HTTP__API_KEYS", "api-key-0123456789abcdef",
        "GRAPH_HTTP__ADMIN_API_KEYS", "admin-key-0123456789abcdef", "GRAPH_HTTP__ADMIN_LOOPBACK_ONLY", "false"));
    assertThat(access.adminKeys().matches("admin-key-0123456789abcdef")).isTrue();
    assertThat(access.adminKeys().matches("api-key-0123456789abcdef")).isFalse();
    assertThat(access.adminLoopbackOnly()).isFalse();
    assertThat(parse(Map.of("GRAPH_HTTP__API_KEYS", "api-key-0123456789abcdef",
        "GRAPH_HTTP__ADMIN_LOOPBACK_ONLY", "false")).adminLoopbackOnly()).isFalse();
  }

  @Test
  @DisplayName("a short key, a missing file or a bad flag stops start-up naming the key, without the key's text")
  void refused() {
    assertThatThrownBy(() -> parse(Map.of("GRAPH_HTTP__API_KEYS", "good-key-0123456789abcdef,hunter2")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("config http.api_keys: key 2 of 2 must be at least 16")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> parse(Map.of("GRAPH_HTTP__ADMIN_API_KEYS_FILE", "/nonexistent/keys")))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("config http.admin_api_keys_file: cannot read");
    assertThatThrownBy(() -> parse(Map.of("GRAPH_HTTP__ADMIN_LOOPBACK_ONLY", "yes")))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("config http.admin_loopback_only");
  }
}
