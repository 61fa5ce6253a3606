package io.inferencegraph.cli;

import io.inferencegraph.MainVerticle;
import io.inferencegraph.TestGraphs;
import io.inferencegraph.api.GenerationParams;
import io.inferencegraph.api.Params;
import io.inferencegraph.config.GraphConfig;
import io.inferencegraph.config.ModelConfig;
import io.inferencegraph.hub.FakeRepo;
import io.inferencegraph.hub.HubStandIn;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@DisplayName("models pull / models list and serving hf:// models, against a stand-in Hub serving the repo's models")
class ModelsCommandTest {
  /** The repo's default models, published on the stand-in Hub under these ids. */
  private static final Map<String, String> REPOS = Map.of(
      "gpt2-tiny", "acme/gpt2-tiny", "distilgpt2-tiny", "acme/distilgpt2-tiny",
      "gpt2-medium-tiny", "acme/gpt2-medium-tiny", "bert-tiny-classifier", "acme/bert-tiny-classifier");

  @TempDir
  Path work;
  private HubStandIn hub;
  private Map<String, String> env;
  private Path config;

  @BeforeEach
  void publishModels() throws Exception {
    hub = new HubStandIn();
    REPOS.forEach((dir, id) -> {
      FakeRepo repo = new FakeRepo(id);
      repo.commit("main", FakeRepo.filesOf(Path.of("models", dir)));
      hub.serve(repo);
    });
    env = new HashMap<>(Map.of("HF_ENDPOINT", hub.endpoint().toString(),
        "HF_HUB_CACHE", work.resolve("cache").toString()));
    config = work.resolve("hub-tiny.json");
    Files.writeString(config, hubConfig().encodePrettily());
  }

  @AfterEach
  void stopHub() throws Exception {
    hub.close();
  }

  @Test
  @DisplayName("list shows missing, pull --config fetches every hf:// model, then list shows them cached")
  void pullAndList() {
    Run before = run("models", "list", "--config", config.toString());
    assertThat(before.code).isZero();
    assertThat(before.out.lines().skip(1)).hasSize(4).allSatisfy(line -> assertThat(line).contains("missing"));

    Run pull = run("models", "pull", "--config", config.toString());
    assertThat(pull.code).as(pull.err).isZero();
    List<String> lines = pull.out.lines().toList();
    assertThat(lines).extracting(line -> line.split("\t")[0])
        .containsExactly("gpt2", "distilgpt2", "gpt2-medium", "bert-base-uncased");
    assertThat(lines).allSatisfy(line -> assertThat(Path.of(line.split("\t")[1]).resolve("config.json")).exists());

    Run after = run("models", "list", "--config", config.toString());
    assertThat(after.out.lines().skip(1)).hasSize(4).allSatisfy(line -> assertThat(line)
        .contains("cached").contains("hf://acme/").contains(work.resolve("cache").toString()));
  }

  @Test
  @DisplayName("list and start-up name every missing model with its own pull, and the pull for the config in use")
  void everyMissingModelNamed() {
    String all = "fetch them with `java -jar target/inference-graph.jar models pull --config " + config + "`";
    Run list = run("models", "list", "--config", config.toString());
    assertThat(list.code).isZero();
    assertThat(list.err).contains("4 model(s) not in the Hugging Face cache (" + work.resolve("cache") + "):")
        .contains("  gpt2: hf://acme/gpt2-tiny  (alone: `java -jar target/inference-graph.jar models pull acme/gpt2-tiny`)")
        .contains("  distilgpt2: hf://acme/distilgpt2-tiny", "  gpt2-medium: hf://acme/gpt2-medium-tiny",
            "  bert-base-uncased: hf://acme/bert-tiny-classifier").contains(all);

    Run serve = run("--config", config.toString());
    assertThat(serve.code).isEqualTo(1);
    assertThat(serve.err).startsWith("error: 4 model(s) not in the Hugging Face cache")
        .contains("  gpt2-medium: hf://acme/gpt2-medium-tiny", "  bert-base-uncased: hf://acme/bert-tiny-classifier")
        .contains(all + ", or start with --pull");

    assertThat(run("models", "pull", "acme/gpt2-tiny").code).isZero();
    Run fewer = run("models", "list", "--config", config.toString());
    assertThat(fewer.err).contains("3 model(s) not in").doesNotContain("  gpt2: ");
    assertThat(run("models", "pull", "--config", config.toString()).code).isZero();
    assertThat(run("models", "list", "--config", config.toString()).err).isEmpty();
  }

  @Test
  @DisplayName("a model's own pull carries its variant or onnx_file")
  void pullCommandPerModel() {
    GraphConfig parsed = new ConfigFile().load(new JsonObject(), Map.of("GRAPH_CONFIG", config.toString()));
    ModelConfig gpt2 = parsed.models().get(0);
    assertThat(ModelStore.pullCommand(gpt2)).isEqualTo("java -jar target/inference-graph.jar models pull acme/gpt2-tiny");
    ModelConfig quantized = new ModelConfig("q", gpt2.kind(), gpt2.source(), 1, 1, "quantized", null, gpt2.batching());
    ModelConfig file = new ModelConfig("f", gpt2.kind(), gpt2.source(), 1, 1, "quantized", "onnx/x.onnx",
        gpt2.batching());
    assertThat(ModelStore.pullCommand(quantized)).endsWith("models pull acme/gpt2-tiny --variant quantized");
    assertThat(ModelStore.pullCommand(file)).endsWith("models pull acme/gpt2-tiny --onnx-file onnx/x.onnx");
  }

  @Test
  @DisplayName("a Hub that answers 503 past the retries: models pull and --pull use the cached snapshot and say so")
  void unreachableHubUsesTheCache() throws Exception {
    String dir = run("models", "pull", "acme/gpt2-tiny").out.strip();
    hub.unavailable("/api/models/acme/gpt2-tiny/revision/main", 100);
    java.io.ByteArrayOutputStream stderr = new java.io.ByteArrayOutputStream();
    java.io.PrintStream original = System.err;
    Run again;
    ModelConfig resolved;
    System.setErr(new java.io.PrintStream(stderr, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      again = run("models", "pull", "acme/gpt2-tiny");
      GraphConfig parsed = new ConfigFile().load(new JsonObject(), Map.of("GRAPH_CONFIG", config.toString()));
      resolved = ModelStore.fromEnvironment(env).resolve(parsed.models().get(0), true);
    } finally {
      System.setErr(original);
    }

    assertThat(again.code).as(again.err).isZero();
    assertThat(again.out.strip()).isEqualTo(dir);
    assertThat(resolved.path()).isEqualTo(Path.of(dir));
    assertThat(stderr.toString(java.nio.charset.StandardCharsets.UTF_8).lines()
        .filter(line -> line.contains("the Hub could not be reached"))).hasSize(2)
        .allSatisfy(line -> assertThat(line).contains("HTTP 503").endsWith("using acme/gpt2-tiny from the cache: " + dir));
  }

  @Test
  @DisplayName("pull REPO prints the snapshot directory as its last line; offline it comes from the cache")
  void pullOneRepo() {
    Run online = run("models", "pull", "acme/gpt2-tiny");
    assertThat(online.code).as(online.err).isZero();
    String dir = online.out.strip().lines().reduce((a, b) -> b).orElseThrow();
    assertThat(Path.of(dir, "onnx", "model.onnx")).exists();

    env.put("HF_HUB_OFFLINE", "1");
    env.put("HF_ENDPOINT", "http://127.0.0.1:9"); // nothing listens there: offline must not try
    Run offline = run("models", "pull", "acme/gpt2-tiny");
    assertThat(offline.code).as(offline.err).isZero();
    assertThat(offline.out.strip()).isEqualTo(dir);
  }

  @Test
  @DisplayName("a missing repo or an offline miss ends with exit 1 and one line naming the repo")
  void failures() {
    Run missing = run("models", "pull", "acme/no-such-model");
    assertThat(missing.code).isEqualTo(1);
    assertThat(missing.err.strip()).startsWith("error: ").contains("acme/no-such-model").doesNotContain("\n");

    env.put("HF_HUB_OFFLINE", "1");
    Run offline = run("models", "pull", "acme/gpt2-tiny");
    assertThat(offline.code).isEqualTo(1);
    assertThat(offline.err.strip()).contains("acme/gpt2-tiny").contains("HF_HUB_OFFLINE").doesNotContain("\n");
    assertThat(run("models", "pull").code).as("neither REPO nor --config").isEqualTo(2);
    assertThat(run("models", "pull", "--config", config.toString(), "--variant", "int8").code)
        .as("--variant belongs to REPO").isEqualTo(2);
  }

  @Test
  @DisplayName("the graph served from hf:// snapshots answers exactly as the same models served from models/")
  void servesFromTheCache(Vertx vertx, VertxTestContext test) {
    assertThat(run("models", "pull", "--config", config.toString()).code).isZero();
    env.put("HF_HUB_OFFLINE", "1");
    ServeCommand serve = new ServeCommand(env);
    new CommandLine(serve).parseArgs("--config", config.toString());
    GraphConfig resolved = ModelStore.fromEnvironment(env).resolve(serve.configure(), false, Optional.empty());
    assertThat(resolved.models()).extracting(ModelConfig::path)
        .allSatisfy(path -> assertThat(path).startsWith(work.resolve("cache")));

    GenerationParams params = Params.of("do_sample", true, "seed", 11L, "max_new_tokens", 24);
    List<JsonObject> expected = TestGraphs.directAnswer(TestGraphs.config(new JsonObject()), "I have an idea!", params);
    JsonObject body = new JsonObject().put("text", "I have an idea!").put("parameters", new JsonObject(params.toMap()));
    TestGraphs.deploy(vertx, resolved).compose((MainVerticle main) -> WebClient.create(vertx)
            .post(main.httpPort(), "localhost", "/classify_generated_texts").sendJsonObject(body))
        .onComplete(test.succeeding(response -> test.verify(() -> {
          assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
          JsonArray answer = response.bodyAsJsonArray();
          assertThat(answer).hasSize(3);
          for (int i = 0; i < 3; i++) {
            JsonObject entry = answer.getJsonObject(i);
            assertThat(entry.getString("generated")).isEqualTo(expected.get(i).getString("generated"));
            assertThat(entry.getDouble("score")).isEqualTo(expected.get(i).getDouble("score"));
          }
          test.completeNow();
        })));
  }

  /** conf/config.json with every model's path on the stand-in Hub and a free port. */
  private static JsonObject hubConfig() throws Exception {
    JsonObject json = new JsonObject(Files.readString(Path.of("conf/config.json")));
    json.getJsonObject("http").put("port", 0);
    json.getJsonObject("models").forEach(entry -> {
      JsonObject model = (JsonObject) entry.getValue();
      model.put("path", "hf://" + REPOS.get(model.getString("path")));
    });
    return json;
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
