package io.inferencegraph.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferencegraph.model.load.ModelOptions;
import io.inferencegraph.model.load.SessionTuning;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Keys, TLS stores, roles and models: what each says of itself and where its edges are")
class AccessAndTlsDetailsTest {
  private static final String KEY16 = "0123456789abcdef";

  @Test
  @DisplayName("the access line says what takes a key and where admin routes answer, never a key")
  void describe() {
    AccessConfig locked = AccessConfig.parse(new JsonObject().put("api_keys", new JsonArray().add(KEY16)
        .add(" " + KEY16 + "x ")).put("admin_api_keys", KEY16));
    assertThat(locked.apiKeys().matches(KEY16 + "x")).as("array items are trimmed").isTrue();
    assertThat(locked.describe()).isEqualTo("the API takes one of 2 key(s) (Authorization: Bearer); "
        + "/metrics and /traces: one of 1 admin key(s), any address");
    assertThat(AccessConfig.parse(new JsonObject().put("api_keys", KEY16)).describe())
        .isEqualTo("the API takes one of 1 key(s) (Authorization: Bearer); /metrics and /traces: no key, loopback only");
    assertThat(AccessConfig.OPEN.describe()).isEqualTo("the API is OPEN to anyone who reaches this port "
        + "(no http.api_keys); /metrics and /traces: no key, any address");
    assertThat(locked.apiKeys()).hasToString("ApiKeys[2 key(s)]");
  }

  @Test
  @DisplayName("a key of exactly 16 printable characters is enough; one shorter, with a space or of the wrong type is not")
  void keyEdges() {
    assertThat(AccessConfig.parse(new JsonObject().put("api_keys", KEY16)).apiKeys().size()).isEqualTo(1);
    String refused = "config http.api_keys: key 1 of 1 must be at least 16 printable characters without spaces "
        + "(openssl rand -hex 24 makes one)";
    assertThatThrownBy(() -> AccessConfig.parse(new JsonObject().put("api_keys", KEY16.substring(1))))
        .isInstanceOf(ConfigException.class).hasMessage(refused);
    assertThatThrownBy(() -> AccessConfig.parse(new JsonObject().put("api_keys", "01234567 89abcdef")))
        .isInstanceOf(ConfigException.class).hasMessage(refused);
    assertThatThrownBy(() -> AccessConfig.parse(new JsonObject().put("api_keys", "0123456789abcdef\u007f")))
        .isInstanceOf(ConfigException.class).hasMessage(refused);
    assertThat(AccessConfig.parse(new JsonObject().put("api_keys", "!123456789abcde~")).apiKeys().size()).isEqualTo(1);
    assertThatThrownBy(() -> AccessConfig.parse(new JsonObject().put("admin_api_keys", 42)))
        .isInstanceOf(ConfigException.class)
        .hasMessage("config http.admin_api_keys: must be a comma-separated string or an array of strings");
  }

  @Test
  @DisplayName("a keystore's type follows its extension; its description names files, never passwords")
  void tlsStores(@TempDir Path dir) throws Exception {
    StandInTls.write(dir);
    assertThat(ClusterTls.storeType(Path.of("a/node.JKS"))).isEqualTo("JKS");
    assertThat(ClusterTls.storeType(Path.of("a/node.p12"))).isEqualTo("PKCS12");
    assertThat(ClusterTls.pem(dir)).hasToString("ClusterTls[cert " + dir.resolve("node.pem") + ", key "
        + dir.resolve("node-key.pem") + "; trusts ca " + dir.resolve("ca.pem") + "]");
    String p12 = dir.resolve("node.p12").toString();
    ClusterTls stores = ClusterTls.parse(new JsonObject().put("keystore", p12).put("keystore_password",
        StandInTls.PASSWORD).put("truststore", p12).put("truststore_password", StandInTls.PASSWORD));
    assertThat(stores).hasToString("ClusterTls[keystore " + p12 + "; trusts truststore " + p12 + "]");
    assertThatThrownBy(() -> ClusterTls.parse(new JsonObject().put("keystore", p12).put("keystore_password",
        StandInTls.PASSWORD).put("truststore", p12).put("truststore_password", "wrong-password")))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("config cluster.tls: cannot open " + p12 + ": ")
        .hasMessageNotContaining("wrong-password");
  }

  @Test
  @DisplayName("roles as a list; an empty list names no role; no roles at all means everything")
  void roles() {
    List<String> generators = List.of("gpt2", "distilgpt2");
    assertThat(Roles.parse(new JsonArray().add("http").add("generator:distilgpt2"), generators))
        .isEqualTo(new Roles(true, Set.of("distilgpt2"), false));
    assertThat(Roles.parse(null, generators)).isEqualTo(new Roles(true, Set.of("gpt2", "distilgpt2"), true));
    assertThatThrownBy(() -> Roles.parse(new JsonArray(), generators)).isInstanceOf(ConfigException.class)
        .hasMessage("config roles: names no role; use http, generators, generator:NAME, classifier or all");
    assertThatThrownBy(() -> Roles.parse(3, generators)).isInstanceOf(ConfigException.class)
        .hasMessage("config roles: must be a comma-separated string or an array, got 3");
  }

  @Test
  @DisplayName("a model's load options, its source as text and the generators' names")
  void models() {
    GraphConfig config = ConfigLoader.parse(ConfigLoader.load(Path.of("conf/config.json"), Map.of(), new Properties()));
    assertThat(config.generatorNames()).containsExactly("gpt2", "distilgpt2", "gpt2-medium");
    ModelConfig gpt2 = config.models().get(0).withSizes(2, 3);
    SessionTuning tuning = new SessionTuning(false, true, true, false);
    assertThat(gpt2.options(tuning)).isEqualTo(new ModelOptions(null, null, 3, true, tuning));
    assertThat(gpt2.source()).hasToString(Path.of("models/gpt2-tiny").toString());
  }
}
