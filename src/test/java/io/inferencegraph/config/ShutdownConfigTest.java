package io.inferencegraph.config;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("shutdown.drain_timeout_ms and shutdown.unready_delay_ms say how SIGTERM drains")
class ShutdownConfigTest {

  private static GraphConfig parse(Map<String, String> env) {
    return ConfigLoader.parse(ConfigLoader.load(Path.of("conf/config.json"), env, new Properties()));
  }

  @Test
  @DisplayName("unless configured, a drain takes at most 30 s and readiness turns 503 as the edge stops accepting")
  void defaults() {
    assertThat(parse(Map.of()).shutdown()).isEqualTo(ShutdownConfig.DEFAULT).isEqualTo(new ShutdownConfig(30_000, 0));
  }

  @Test
  @DisplayName("the environment sets each")
  void fromEnvironment() {
    GraphConfig config = parse(Map.of("GRAPH_SHUTDOWN__DRAIN_TIMEOUT_MS", "5000",
        "GRAPH_SHUTDOWN__UNREADY_DELAY_MS", "2000"));
    assertThat(config.shutdown()).isEqualTo(new ShutdownConfig(5000, 2000));
  }

  @Test
  @DisplayName("a negative timeout, or a shutdown that is not an object, fails naming the key")
  void badValues() {
    assertThatThrownBy(() -> parse(Map.of("GRAPH_SHUTDOWN__DRAIN_TIMEOUT_MS", "-1")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("shutdown.drain_timeout_ms");
    JsonObject raw = ConfigLoader.load(Path.of("conf/config.json"), Map.of(), new Properties()).put("shutdown", 30);
    assertThatThrownBy(() -> ConfigLoader.parse(raw))
        .isInstanceOf(ConfigException.class).hasMessageContaining("shutdown");
  }
}
