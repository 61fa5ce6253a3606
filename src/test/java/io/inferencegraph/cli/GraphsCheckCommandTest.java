package io.inferencegraph.cli;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("graphs check reads the configuration as serve does and prints every problem, loading no model")
class GraphsCheckCommandTest {
  @TempDir
  Path work;
  private final Map<String, String> env = new HashMap<>();

  @Test
  @DisplayName("conf/config.json and each example in conf/graphs/ check clean: one summary line, exit 0")
  void shippedConfigurations() {
    Run seed = run("graphs", "check");
    assertThat(seed.code).as(seed.out).isZero();
    assertThat(seed.out.lines()).containsExactly("1 graph(s) OK");
    for (String example : new String[] {"story-mood", "story-title", "regenerate-negative"}) {
      Run run = run("graphs", "check", "--config", "conf/graphs/" + example + ".json");
      assertThat(run.code).as(run.out).isZero();
      assertThat(run.out.lines()).as(example).containsExactly("1 graph(s) OK");
    }
  }

  @Test
  @DisplayName("errors and warnings one per line in the order found, then 'N error(s)' counting errors only; exit 2")
  void errors() throws IOException {
    Path file = write(config(new JsonObject()
        .put("ok", graph("$input.text").put("route", "/ok").put("nodes", new JsonObject()
            .put("story", generate("writer", "$input.text"))
            .put("spare", generate("writer", "$input.text"))))
        .put("broken", graph("$input.nope").put("route", "/ok"))));
    Run run = run("graphs", "check", "--config", file.toString());
    assertThat(run.code).isEqualTo(2);
    assertThat(run.out.lines()).containsExactly(
        "warning at /graphs/ok/nodes/spare: is never used by the output (nor by a node it uses), so it never runs",
        "error at /graphs/broken/nodes/story/prompt: $input.nope: the graph has no input \"nope\"; inputs: [text]",
        "error at /graphs/broken/route: route /ok is already graph \"ok\"'s",
        "2 error(s)");
    assertThat(run.err).isEmpty();
  }

  @Test
  @DisplayName("warnings alone do not fail the check: they are printed and it exits 0")
  void warningsOnly() throws IOException {
    Path file = write(config(new JsonObject().put("ok", graph("$input.text").put("nodes", new JsonObject()
        .put("story", generate("writer", "$input.text"))
        .put("spare", generate("writer", "$input.text"))))));
    Run run = run("graphs", "check", "--config", file.toString());
    assertThat(run.code).isZero();
    assertThat(run.out.lines()).containsExactly(
        "warning at /graphs/ok/nodes/spare: is never used by the output (nor by a node it uses), so it never runs",
        "1 graph(s) OK");
  }

  @Test
  @DisplayName("a configuration error outside the graphs is the one error: its message, '1 error(s)', exit 2")
  void configError() throws IOException {
    JsonObject json = config(new JsonObject().put("ok", graph("$input.text")));
    json.getJsonObject("models").getJsonObject("writer").put("task", "translation");
    Run run = run("graphs", "check", "--config", write(json).toString());
    assertThat(run.code).isEqualTo(2);
    assertThat(run.out.lines()).containsExactly(
        "error: config models.writer.task: must be text-generation or text-classification, got translation",
        "1 error(s)");
    Run missing = run("graphs", "check", "--config", work.resolve("absent.json").toString());
    assertThat(missing.code).isEqualTo(2);
    assertThat(missing.out).startsWith("error: config file: cannot read ").endsWith("1 error(s)\n");
  }

  @Test
  @DisplayName("GRAPH_CONFIG picks the file and GRAPH_* overrides apply before the graphs are checked")
  void environment() throws IOException {
    Path file = write(config(new JsonObject()
        .put("a", graph("$input.text").put("route", "/a"))
        .put("b", graph("$input.text").put("route", "/b"))));
    env.put("GRAPH_CONFIG", file.toString());
    assertThat(run("graphs", "check").out.lines()).containsExactly("2 graph(s) OK");
    env.put("GRAPH_GRAPHS__B__ROUTE", "/a");
    Run run = run("graphs", "check");
    assertThat(run.code).isEqualTo(2);
    assertThat(run.out.lines()).containsExactly("error at /graphs/b/route: route /a is already graph \"a\"'s",
        "1 error(s)");
  }

  @Test
  @DisplayName("no model is loaded: models whose directories do not exist still check, their task being set")
  void loadsNoModel() throws IOException {
    JsonObject json = config(new JsonObject().put("ok", graph("$input.text")));
    json.put("models_dir", work.resolve("nowhere").toString());
    Run run = run("graphs", "check", "--config", write(json).toString());
    assertThat(run.code).as(run.out).isZero();
    assertThat(run.out.lines()).containsExactly("1 graph(s) OK");
  }

  @Test
  @DisplayName("serve stops on graph errors with exit 2 and every problem, not a stack trace; --help lists graphs")
  void serveReportsGraphErrors() throws IOException {
    Path file = write(config(new JsonObject().put("broken", graph("$input.nope"))));
    Run serve = run("--config", file.toString());
    assertThat(serve.code).isEqualTo(2);
    assertThat(serve.err.lines()).containsExactly("error: the graphs have 1 error(s):",
        "  error at /graphs/broken/nodes/story/prompt: $input.nope: the graph has no input \"nope\"; inputs: [text]");
    assertThat(run("--help").out).contains("graphs");
    assertThat(run("graphs", "check", "--help").out).contains("--config", "Exit code 0", "N error(s)");
  }

  /** One model, "writer" (the gpt2 fixture), and the given graphs. */
  private static JsonObject config(JsonObject graphs) {
    return new JsonObject().put("models_dir", "models")
        .put("models", new JsonObject().put("writer", new JsonObject().put("path", "gpt2-tiny")
            .put("task", "text-generation")))
        .put("graphs", graphs);
  }

  /** A graph whose one node, story, generates from {@code prompt}. */
  private static JsonObject graph(String prompt) {
    return new JsonObject().put("input", new JsonObject().put("text", "string"))
        .put("nodes", new JsonObject().put("story", generate("writer", prompt)))
        .put("output", "$nodes.story.text");
  }

  private static JsonObject generate(String model, String prompt) {
    return new JsonObject().put("generate", model).put("prompt", prompt);
  }

  private Path write(JsonObject json) throws IOException {
    Path file = Files.createTempFile(work, "config", ".json");
    Files.writeString(file, json.encodePrettily());
    return file;
  }

  private record Run(int code, String out, String err) {}

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = ServeCommand.commandLine(env).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }
}
