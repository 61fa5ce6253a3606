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
    GraphConfig resolved = ModelStore.fromEnvironment(env).resolve(serve.configure(), false);
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
