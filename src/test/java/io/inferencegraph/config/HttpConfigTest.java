package io.inferencegraph.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("http.sse_heartbeat_ms says how often an event stream sends a keep-alive comment")
class HttpConfigTest {

  private static GraphConfig parse(Map<String, String> env) {
    return ConfigLoader.parse(ConfigLoader.load(Path.of("conf/config.json"), env, new Properties()));
  }

  @Test
  @DisplayName("15 s unless configured; the environment sets it")
  void heartbeat() {
    assertThat(parse(Map.of()).http().sseHeartbeatMs()).isEqualTo(15_000);
    assertThat(parse(Map.of("GRAPH_HTTP__SSE_HEARTBEAT_MS", "250")).http().sseHeartbeatMs()).isEqualTo(250);
  }

  @Test
  @DisplayName("0, a negative number or a word fails naming the key")
  void badHeartbeat() {
    for (String bad : new String[] {"0", "-5", "often"}) {
      assertThatThrownBy(() -> parse(Map.of("GRAPH_HTTP__SSE_HEARTBEAT_MS", bad)))
          .isInstanceOf(ConfigException.class).hasMessageContaining("http.sse_heartbeat_ms");
    }
  }
}
