package io.inferencegraph.config;

import io.inferencegraph.model.load.SessionMemory;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("onnx_runtime.prepacking and onnx_runtime.cpu_arena choose how sessions spend memory")
class SessionMemoryConfigTest {

  private static GraphConfig parse(Map<String, String> env) {
    return ConfigLoader.parse(ConfigLoader.load(Path.of("conf/config.json"), env, new Properties()));
  }

  @Test
  @DisplayName("unless configured, weights are prepacked, the CPU arena is off, malloc has 2 arenas trimmed every 10 s")
  void defaults() {
    assertThat(parse(Map.of()).sessionMemory()).isEqualTo(SessionMemory.DEFAULT)
        .isEqualTo(new SessionMemory(true, false));
    assertThat(parse(Map.of()).malloc()).isEqualTo(MallocConfig.DEFAULT).isEqualTo(new MallocConfig(2, 10_000));
  }

  @Test
  @DisplayName("the environment sets each")
  void fromEnvironment() {
    GraphConfig config = parse(Map.of("GRAPH_ONNX_RUNTIME__PREPACKING", "false", "GRAPH_ONNX_RUNTIME__CPU_ARENA", "true",
        "GRAPH_ONNX_RUNTIME__MALLOC_ARENAS", "0", "GRAPH_ONNX_RUNTIME__MALLOC_TRIM_INTERVAL_MS", "0"));
    assertThat(config.sessionMemory()).isEqualTo(new SessionMemory(false, true));
    assertThat(config.malloc()).isEqualTo(new MallocConfig(0, 0));
  }

  @Test
  @DisplayName("a value that is not a boolean fails naming the key")
  void badValue() {
    assertThatThrownBy(() -> parse(Map.of("GRAPH_ONNX_RUNTIME__CPU_ARENA", "yes")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("onnx_runtime.cpu_arena");
  }
}
