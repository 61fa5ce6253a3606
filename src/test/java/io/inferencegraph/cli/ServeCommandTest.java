package io.inferencegraph.cli;

import io.inferencegraph.config.ClusterTls;
import io.inferencegraph.config.ConfigException;
import io.inferencegraph.config.StandInTls;
import io.inferencegraph.config.GraphConfig;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The command line picks the node's roles and its cluster settings")
class ServeCommandTest {

  @Test
  @DisplayName("--cluster takes no value; --role, --members, --cluster-host and --public-host do")
  void clusterFlags() {
    GraphConfig config = configure("--cluster", "--role", "generator:gpt2,classifier",
        "--members", "10.0.0.1,10.0.0.2", "--cluster-host", "10.0.0.2", "--public-host", "gpu-box.example",
        "--port", "3001");
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
    assertThatThrownBy(() -> configure("--role", "edge"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("config roles:");
  }

  @Test
  @DisplayName("an unknown option exits 2 with the usage, a config error exits 2 with one line naming the key")
  void exitCodes() {
    StringWriter err = new StringWriter();
    CommandLine cli = ServeCommand.commandLine().setErr(new PrintWriter(err));
    assertThat(cli.execute("--no-such-flag")).isEqualTo(2);
    assertThat(err.toString()).contains("Unknown option: '--no-such-flag'").contains("Usage: inference-graph");

    StringWriter err2 = new StringWriter();
    CommandLine cli2 = ServeCommand.commandLine().setErr(new PrintWriter(err2));
    assertThat(cli2.execute("--role", "edge")).isEqualTo(2);
    assertThat(err2.toString().strip()).startsWith("error: config roles:").doesNotContain("\tat ");
  }

  @Test
  @DisplayName("a config file that is not valid JSON, named by --config or GRAPH_CONFIG, stops start-up with its line, column and why")
  void brokenConfigFile(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("config.json");
    Files.writeString(file, "{\n  \"http\": {\"port\": 3000,}\n}\n");
    String expected = "error: config file: " + file + " is not valid JSON (line 2, column 25): expected a field name "
        + "in double quotes, got '}'";

    StringWriter err = new StringWriter();
    assertThat(ServeCommand.commandLine(Map.of()).setErr(new PrintWriter(err)).execute("--config", file.toString()))
        .isEqualTo(2);
    assertThat(err.toString().strip()).isEqualTo(expected);

    StringWriter fromEnv = new StringWriter();
    assertThat(ServeCommand.commandLine(Map.of("GRAPH_CONFIG", file.toString())).setErr(new PrintWriter(fromEnv))
        .execute()).isEqualTo(2);
    assertThat(fromEnv.toString().strip()).isEqualTo(expected);
  }

  @Test
  @DisplayName("--help lists every subcommand and flag; --version names the program")
  void helpAndVersion() {
    StringWriter out = new StringWriter();
    CommandLine cli = ServeCommand.commandLine().setOut(new PrintWriter(out));
    assertThat(cli.execute("--help")).isZero();
    assertThat(out.toString()).contains("models", "cluster", "--config", "--pull", "--role", "--members", "--cluster-tls");
    StringWriter certs = new StringWriter();
    assertThat(ServeCommand.commandLine().setOut(new PrintWriter(certs)).execute("cluster", "certs", "--help")).isZero();
    assertThat(certs.toString()).contains("--out", "--nodes", "--days");
    StringWriter version = new StringWriter();
    assertThat(ServeCommand.commandLine().setOut(new PrintWriter(version)).execute("--version")).isZero();
    assertThat(version.toString()).startsWith("inference-graph ");
  }

  @Test
  @DisplayName("a reload reads the same file again, with the same environment overrides and flags")
  void reloadReadsTheFileAgain(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("config.json");
    JsonObject json = new JsonObject(Files.readString(Path.of("conf/config.json")));
    Files.writeString(file, json.encode());
    Map<String, String> env = Map.of("GRAPH_HTTP__MAX_BODY_BYTES", "1234");
    ServeCommand command = new ServeCommand(env);
    new CommandLine(command).parseArgs("--config", file.toString(), "--port", "3005");
    ModelStore store = ModelStore.fromEnvironment(env);
    assertThat(command.reload(store).graphs()).extracting(g -> g.name()).containsExactly("classify_generated_texts");

    json.getJsonObject("graphs").put("echo", new JsonObject().put("input", new JsonObject().put("text", "string"))
        .put("nodes", new JsonObject().put("g", new JsonObject().put("generate", "gpt2").put("prompt", "$input.text")))
        .put("output", "$nodes.g.text"));
    Files.writeString(file, json.encode());
    GraphConfig again = command.reload(store);

    assertThat(again.graphs()).extracting(g -> g.name()).containsExactly("classify_generated_texts", "echo");
    assertThat(again.http().maxBodyBytes()).isEqualTo(1234);
    assertThat(again.http().port()).isEqualTo(3005);
  }

  @Test
  @DisplayName("--cluster-tls DIR reads the node key, its certificate and the CA from DIR")
  void clusterTls(@TempDir Path dir) throws Exception {
    StandInTls.write(dir);
    assertThat(configure("--cluster", "--cluster-tls", dir.toString()).cluster().tls()).isEqualTo(ClusterTls.pem(dir));
  }

  static GraphConfig configure(String... args) {
    ServeCommand command = new ServeCommand(Map.of());
    new CommandLine(command).parseArgs(args);
    return command.configure();
  }
}
