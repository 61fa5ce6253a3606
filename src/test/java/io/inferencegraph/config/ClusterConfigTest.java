package io.inferencegraph.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("cluster: members, addresses, ports and retries, each refused naming its key when wrong")
class ClusterConfigTest {
  private static ClusterConfig parse(JsonObject json) {
    return ClusterConfig.parse(json);
  }

  @Test
  @DisplayName("an empty cluster object is a single local node with the default name, file, ports and retries")
  void defaults() {
    assertThat(parse(new JsonObject())).isEqualTo(new ClusterConfig(false, "inference-graph", "conf/cluster.xml",
        List.of("127.0.0.1"), null, null, 5701, 5801, null, 2));
  }

  @Test
  @DisplayName("members as text or a list, trimmed, blanks skipped; hosts trimmed; booleans as text; bounds included")
  void values() {
    ClusterConfig config = parse(new JsonObject().put("enabled", "true").put("name", "c1").put("config_file", "x.xml")
        .put("members", " a:1, ,b ,").put("host", " 10.0.0.3 ").put("public_host", "  ").put("port", 65535)
        .put("event_bus_port", 0).put("retries", new JsonObject().put("max", 10)));
    assertThat(config).isEqualTo(new ClusterConfig(true, "c1", "x.xml", List.of("a:1", "b"), "10.0.0.3", null,
        65535, 0, null, 10));
    assertThat(parse(new JsonObject().put("enabled", "false").put("members", new JsonArray().add(" a ").add("").add("b"))
        .put("port", 1).put("retries", new JsonObject().put("max", 0)).put("tls", new JsonObject())))
        .isEqualTo(new ClusterConfig(false, "inference-graph", "conf/cluster.xml", List.of("a", "b"), null, null, 1,
            5801, null, 0));
    assertThat(parse(new JsonObject().put("enabled", true).put("retries", new JsonObject())).retries()).isEqualTo(2);
  }

  @Test
  @DisplayName("a bad flag, no members, a member list of the wrong type, retries or tls not objects: each names its key")
  void refused() {
    assertRefused(new JsonObject().put("enabled", 1), "config cluster.enabled: must be true or false, got 1");
    assertRefused(new JsonObject().put("members", " , "), "config cluster.members: must name at least one host "
        + "(this one will do)");
    assertRefused(new JsonObject().put("members", new JsonArray()), "config cluster.members: must name at least one "
        + "host (this one will do)");
    assertRefused(new JsonObject().put("members", new JsonArray().add(" ")), "config cluster.members: must name at "
        + "least one host (this one will do)");
    assertRefused(new JsonObject().put("members", 5), "config cluster.members: must be a comma-separated string or "
        + "an array, got 5");
    assertRefused(new JsonObject().put("retries", 3), "config cluster.retries: must be an object: {\"max\": 2}");
    assertRefused(new JsonObject().put("retries", new JsonObject().put("max", 11)),
        "config cluster.retries.max: must be in [0, 10], got 11");
    assertRefused(new JsonObject().put("port", 0), "config cluster.port: must be in [1, 65535], got 0");
    assertRefused(new JsonObject().put("event_bus_port", -1), "config cluster.event_bus_port: must be in [0, 65535], "
        + "got -1");
    assertRefused(new JsonObject().put("tls", "on"), "config cluster.tls: must be an object: {\"dir\": ...} or cert, "
        + "key and ca");
  }

  private static void assertRefused(JsonObject json, String message) {
    assertThatThrownBy(() -> parse(json)).isInstanceOf(ConfigException.class).hasMessage(message);
  }
}
