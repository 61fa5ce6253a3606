package io.inferencegraph.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@DisplayName("models plan prints each served model's instances, threads, batch rows and why, loading nothing")
class PlanCommandTest {
  @TempDir
  Path work;

  private String run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = ServeCommand.commandLine(Map.of()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
    assertThat(cli.execute(args)).as(err.toString()).isZero();
    return out.toString();
  }

  @Test
  @DisplayName("the default models on 16 cores: one-thread instances sharing the cores by work, one line each")
  void defaultsOnSixteenCores() {
    String out = run("models", "plan", "--cores", "16", "--memory-mb", "16384");
    assertThat(out.lines()).first().isEqualTo("16 cores, 16384 MB of memory available");
    assertThat(out).containsPattern("(?m)^gpt2 +generator +\\S+ MB +0\\.2M +4 +1 +16  small, ");
    assertThat(out).containsPattern("(?m)^distilgpt2 +generator +\\S+ KB +0\\.2M +4 +1 +16  small");
    assertThat(out).containsPattern("(?m)^gpt2-medium +generator .* +5 +1 +16  small");
    // whole texts of up to 128 tokens a forward: 15% of the work
    assertThat(out).containsPattern("(?m)^bert-base-uncased +classifier .* +3 +1 +32  small, .*3 of 16 cores");
    assertThat(out.lines()).hasSize(6);
  }

  @Test
  @DisplayName("--role plans only what that node serves; a fixed instance count gets the rest of the share as threads")
  void rolesAndExplicitNumbers() throws Exception {
    Path config = work.resolve("config.json");
    String seed = Files.readString(Path.of("conf/config.json"))
        .replaceFirst("\"instances\": \"auto\"", "\"instances\": 3");
    Files.writeString(config, seed.replace("\"models_dir\": \"models\"",
        "\"models_dir\": \"" + Path.of("models").toAbsolutePath() + "\""));
    String out = run("models", "plan", "--config", config.toString(), "--cores", "8", "--role", "generator:gpt2");
    assertThat(out.lines()).hasSize(3);
    assertThat(out).containsPattern("(?m)^gpt2 +generator .* +3 +6 +16  small.*");
    String both = run("models", "plan", "--config", config.toString(), "--cores", "8", "--role", "classifier");
    assertThat(both).containsPattern("(?m)^bert-base-uncased +classifier .* +8 +1 +32  ");
  }
}
