package io.inferencegraph.config;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Roles and cluster settings come from conf/config.json, the environment or flags, and bad ones fail naming the key")
class RolesAndClusterConfigTest {

  private static GraphConfig parse(Map<String, String> env) {
    return ConfigLoader.parse(ConfigLoader.load(Path.of("conf/config.json"), env, new Properties()));
  }

  @Test
  @DisplayName("by default one node runs everything and joins no cluster")
  void defaults() {
    GraphConfig config = parse(Map.of());
    assertThat(config.roles()).isEqualTo(new Roles(true, Set.of("gpt2", "distilgpt2", "gpt2-medium"), true));
    assertThat(config.cluster().enabled()).isFalse();
    assertThat(config.cluster().members()).containsExactly("127.0.0.1");
    assertThat(config.cluster().port()).isEqualTo(5701);
    assertThat(config.cluster().eventBusPort()).isEqualTo(5801);
    assertThat(config.cluster().host()).isNull();
  }

  @Test
  @DisplayName("GRAPH_ROLES and GRAPH_CLUSTER__* pick the node's part of the graph and its network settings")
  void fromEnvironment() {
    GraphConfig config = parse(Map.of(
        "GRAPH_ROLES", "http, generator:gpt2",
        "GRAPH_CLUSTER__ENABLED", "true",
        "GRAPH_CLUSTER__MEMBERS", "10.0.0.1,10.0.0.2:5702",
        "GRAPH_CLUSTER__HOST", "10.0.0.3",
        "GRAPH_CLUSTER__PUBLIC_HOST", "203.0.113.7",
        "GRAPH_CLUSTER__EVENT_BUS_PORT", "6000",
        "GRAPH_CLUSTER__RETRIES__MAX", "3"));
    assertThat(config.roles()).isEqualTo(new Roles(true, Set.of("gpt2"), false));
    assertThat(config.roles().servesModels()).isTrue();
    assertThat(config.cluster()).isEqualTo(new ClusterConfig(true, "inference-graph", ClusterConfig.DEFAULT_FILE,
        List.of("10.0.0.1", "10.0.0.2:5702"), "10.0.0.3", "203.0.113.7", 5701, 6000, null, 3));
  }

  @Test
  @DisplayName("'generators' names every configured generator; an edge alone serves no model")
  void roleNames() {
    assertThat(parse(Map.of("GRAPH_ROLES", "generators")).roles())
        .isEqualTo(new Roles(false, Set.of("gpt2", "distilgpt2", "gpt2-medium"), false));
    assertThat(parse(Map.of("GRAPH_ROLES", "http")).roles().servesModels()).isFalse();
  }

  @Test
  @DisplayName("\"auto\" shares the cores among the models this node serves, not the whole configuration's")
  void autoSizingFollowsRoles() {
    JsonObject json = ConfigLoader.load(Path.of("conf/config.json"), Map.of(), new Properties());
    Sizing.Machine eight = new Sizing.Machine(8, 16L << 30);
    GraphConfig everything = Plan.of(ConfigLoader.parse(json.copy()), eight).sized();
    assertThat(everything.generators().get(0).instances()).isEqualTo(2);
    assertThat(everything.generators().get(0).intraOpThreads()).isEqualTo(1);
    GraphConfig gpt2Only = Plan.of(ConfigLoader.parse(json.copy().put("roles", "generator:gpt2")), eight).sized();
    assertThat(gpt2Only.generators().get(0).instances()).isEqualTo(8);
    assertThat(gpt2Only.generators().get(0).intraOpThreads()).isEqualTo(1);
  }

  @Test
  @DisplayName("an unknown role, an unconfigured generator or a bad port fails start-up naming the key")
  void badValues() {
    assertThatThrownBy(() -> parse(Map.of("GRAPH_ROLES", "http,gpu")))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("config roles:").hasMessageContaining("'gpu'");
    assertThatThrownBy(() -> parse(Map.of("GRAPH_ROLES", "generator:gpt5")))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("config roles:").hasMessageContaining("gpt5");
    assertThatThrownBy(() -> parse(Map.of("GRAPH_CLUSTER__PORT", "70000")))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("config cluster.port:");
    assertThatThrownBy(() -> parse(Map.of("GRAPH_CLUSTER__ENABLED", "yes")))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("config cluster.enabled:");
  }

  @Test
  @DisplayName("cluster.tls: a certs directory, PEM files or keystores; none means plain TCP; half a setting fails naming the key")
  void tls(@TempDir Path dir) throws Exception {
    StandInTls.write(dir);
    assertThat(parse(Map.of()).cluster().tls()).isNull();
    assertThat(parse(Map.of("GRAPH_CLUSTER__TLS__DIR", dir.toString())).cluster().tls())
        .isEqualTo(ClusterTls.pem(dir));
    ClusterTls keystore = parse(Map.of("GRAPH_CLUSTER__TLS__KEYSTORE", dir.resolve("node.p12").toString(),
        "GRAPH_CLUSTER__TLS__KEYSTORE_PASSWORD", "0123456789", "GRAPH_CLUSTER__TLS__CA", dir.resolve("ca.pem").toString()))
        .cluster().tls();
    assertThat(keystore.keystorePassword()).as("a password of digits stays text").isEqualTo("0123456789");
    assertThat(keystore.toString()).doesNotContain("0123456789");
    assertThatThrownBy(() -> parse(Map.of("GRAPH_CLUSTER__TLS__CERT", dir.resolve("node.pem").toString(),
        "GRAPH_CLUSTER__TLS__CA", dir.resolve("ca.pem").toString())))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("config cluster.tls: give this node's identity");
    assertThatThrownBy(() -> parse(Map.of("GRAPH_CLUSTER__TLS__DIR", dir.resolve("missing").toString())))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("config cluster.tls.dir: cannot read");
    assertThatThrownBy(() -> parse(Map.of("GRAPH_CLUSTER__TLS__KEYSTORE", dir.resolve("node.p12").toString(),
        "GRAPH_CLUSTER__TLS__KEYSTORE_PASSWORD", "wrong-password", "GRAPH_CLUSTER__TLS__CA", dir.resolve("ca.pem").toString())))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("config cluster.tls: cannot open " + dir.resolve("node.p12"))
        .hasMessageNotContaining("wrong-password");
    Files.writeString(dir.resolve("ca.pem"), "not a certificate");
    assertThatThrownBy(() -> parse(Map.of("GRAPH_CLUSTER__TLS__DIR", dir.toString())))
        .isInstanceOf(ConfigException.class).hasMessageContaining("is not a PEM certificate");
  }
}
