package io.inferencegraph.config;

import io.inferencegraph.model.load.SessionTuning;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("onnx_runtime.prepacking, cpu_arena, spinning and core_turns choose how sessions spend memory and cores")
class SessionTuningConfigTest {

  private static GraphConfig parse(Map<String, String> env) {
    return ConfigLoader.parse(ConfigLoader.load(Path.of("conf/config.json"), env, new Properties()));
  }

  @Test
  @DisplayName("unless configured, weights are prepacked, the CPU arena is on, threads sleep, sessions take turns, malloc has 2 arenas trimmed every 10 s")
  void defaults() {
    assertThat(parse(Map.of()).sessionTuning()).isEqualTo(SessionTuning.DEFAULT)
        .isEqualTo(new SessionTuning(true, true, false, true));
    assertThat(parse(Map.of()).malloc()).isEqualTo(MallocConfig.DEFAULT).isEqualTo(new MallocConfig(2, 10_000));
  }

  @Test
  @DisplayName("the environment sets each")
  void fromEnvironment() {
    GraphConfig config = parse(Map.of("GRAPH_ONNX_RUNTIME__PREPACKING", "false", "GRAPH_ONNX_RUNTIME__CPU_ARENA", "false",
        "GRAPH_ONNX_RUNTIME__SPINNING", "true", "GRAPH_ONNX_RUNTIME__CORE_TURNS", "false",
        "GRAPH_ONNX_RUNTIME__MALLOC_ARENAS", "0", "GRAPH_ONNX_RUNTIME__MALLOC_TRIM_INTERVAL_MS", "0"));
    assertThat(config.sessionTuning()).isEqualTo(new SessionTuning(false, false, true, false));
    assertThat(parse(Map.of("GRAPH_ONNX_RUNTIME__SPINNING", "true")).sessionTuning())
        .isEqualTo(new SessionTuning(true, true, true, true));
    assertThat(parse(Map.of("GRAPH_ONNX_RUNTIME__CORE_TURNS", "false")).sessionTuning())
        .isEqualTo(new SessionTuning(true, true, false, false));
    assertThat(config.malloc()).isEqualTo(new MallocConfig(0, 0));
  }

  @Test
  @DisplayName("a value that is not a boolean fails naming the key")
  void badValue() {
    assertThatThrownBy(() -> parse(Map.of("GRAPH_ONNX_RUNTIME__CPU_ARENA", "yes")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("onnx_runtime.cpu_arena");
    assertThatThrownBy(() -> parse(Map.of("GRAPH_ONNX_RUNTIME__SPINNING", "1")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("onnx_runtime.spinning");
    assertThatThrownBy(() -> parse(Map.of("GRAPH_ONNX_RUNTIME__CORE_TURNS", "on")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("onnx_runtime.core_turns");
  }
}
