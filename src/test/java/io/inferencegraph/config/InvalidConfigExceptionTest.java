package io.inferencegraph.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferencegraph.api.ErrorCode;
import io.inferencegraph.graph.plan.Problems;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A refused configuration lists every problem at the JSON Pointer of its field")
class InvalidConfigExceptionTest {
  private static final Problems.Problem ERROR = new Problems.Problem(true, "/graphs/g/nodes/a", "unknown model");
  private static final Problems.Problem WARNING = new Problems.Problem(false, "/graphs/g/nodes/b", "never used");

  @Test
  @DisplayName("a dotted key becomes a pointer: list indices are segments, ~ and / are escaped, the file is the root")
  void pointers() {
    assertThat(InvalidConfigException.pointer("models.gpt2.batching.max_batch_size"))
        .isEqualTo("/models/gpt2/batching/max_batch_size");
    assertThat(InvalidConfigException.pointer("generators[1].name")).isEqualTo("/generators/1/name");
    assertThat(InvalidConfigException.pointer("generators[12]")).isEqualTo("/generators/12");
    assertThat(InvalidConfigException.pointer("models.a~b/c")).isEqualTo("/models/a~0b~1c");
    assertThat(InvalidConfigException.pointer("file")).isEmpty();
    assertThat(InvalidConfigException.pointer("files")).isEqualTo("/files");
  }

  @Test
  @DisplayName("each kind of failure becomes its problems; the message lists the errors, not the warnings")
  void of() {
    InvalidConfigException invalid = new InvalidConfigException(List.of(ERROR, WARNING));
    assertThat(invalid.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
    assertThat(invalid.getMessage()).isEqualTo(
        "the configuration was not applied (nothing changed): error at /graphs/g/nodes/a: unknown model");
    assertThat(InvalidConfigException.of(invalid)).isSameAs(invalid);
    assertThat(InvalidConfigException.of(new GraphConfigException(List.of(ERROR, WARNING))).problems())
        .containsExactly(ERROR, WARNING);
    assertThat(InvalidConfigException.of(new ConfigException("http.port", "must be in [0, 65535], got 70000"))
        .problems()).containsExactly(new Problems.Problem(true, "/http/port", "must be in [0, 65535], got 70000"));
    assertThat(InvalidConfigException.of(new IllegalStateException("model gpt2 did not load")).problems())
        .containsExactly(new Problems.Problem(true, "", "model gpt2 did not load"));
    assertThat(InvalidConfigException.of(new NullPointerException()).problems())
        .containsExactly(new Problems.Problem(true, "", "java.lang.NullPointerException"));
    assertThat(InvalidConfigException.of(new NullPointerException()).getMessage())
        .isEqualTo("the configuration was not applied (nothing changed): error at /: java.lang.NullPointerException");
  }

  @Test
  @DisplayName("the problems as JSON, warnings included, with their severity")
  void json() {
    Throwable cause = new IllegalStateException("first");
    InvalidConfigException invalid = new InvalidConfigException(List.of(ERROR, WARNING), cause);
    assertThat(invalid.getCause()).isSameAs(cause);
    assertThat(invalid.problemsJson()).isEqualTo(new JsonArray()
        .add(new JsonObject().put("severity", "error").put("pointer", "/graphs/g/nodes/a").put("message", "unknown model"))
        .add(new JsonObject().put("severity", "warning").put("pointer", "/graphs/g/nodes/b")
            .put("message", "never used")));
  }

  @Test
  @DisplayName("graph errors say how many there are, then every problem on its own line")
  void graphMessage() {
    assertThat(new GraphConfigException(List.of(ERROR, WARNING, ERROR)).getMessage()).isEqualTo(
        "the graphs have 2 error(s):\n  error at /graphs/g/nodes/a: unknown model\n"
            + "  warning at /graphs/g/nodes/b: never used\n  error at /graphs/g/nodes/a: unknown model");
  }
}
