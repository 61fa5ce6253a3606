package io.inferencegraph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferencegraph.config.ConfigException;
import io.inferencegraph.config.GraphConfig;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The command line picks the node's roles and its cluster settings")
class MainFlagsTest {

  @Test
  @DisplayName("--cluster takes no value; --role, --members, --cluster-host and --public-host do")
  void clusterFlags() {
    GraphConfig config = Main.configure(new String[] {"--cluster", "--role", "generator:gpt2,classifier",
        "--members", "10.0.0.1,10.0.0.2", "--cluster-host", "10.0.0.2", "--public-host", "gpu-box.example",
        "--port", "3001"});
    assertThat(config.cluster().enabled()).isTrue();
    assertThat(config.cluster().members()).isEqualTo(List.of("10.0.0.1", "10.0.0.2"));
    assertThat(config.cluster().host()).isEqualTo("10.0.0.2");
    assertThat(config.cluster().publicHost()).isEqualTo("gpu-box.example");
    assertThat(config.roles().http()).isFalse();
    assertThat(config.roles().generators()).isEqualTo(Set.of("gpt2"));
    assertThat(config.roles().classifier()).isTrue();
    assertThat(config.http().port()).isEqualTo(3001);
  }

  @Test
  @DisplayName("a bad role on the command line fails naming the key")
  void badRole() {
    assertThatThrownBy(() -> Main.configure(new String[] {"--role", "edge"}))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("config roles:");
  }
}
