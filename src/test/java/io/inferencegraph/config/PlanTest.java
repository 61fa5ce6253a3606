package io.inferencegraph.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The plan reads the served models' files, sizes only \"auto\" fields and says why per model")
class PlanTest {
  private static final Sizing.Machine SIXTEEN = new Sizing.Machine(16, 16L << 30);

  private static JsonObject seed() {
    return ConfigLoader.load(Path.of("conf/config.json"), Map.of(), new Properties());
  }

  @Test
  @DisplayName("the fixture models' bytes come from their ONNX files and their sizes from config.json")
  void factsFromFiles() throws Exception {
    Plan plan = Plan.of(ConfigLoader.parse(seed()), SIXTEEN);
    Sizing.Facts gpt2 = plan.rows().get(0).facts();
    assertThat(gpt2.bytes()).isEqualTo(Files.size(Path.of("models/gpt2-tiny/onnx/model.onnx")));
    assertThat(gpt2.layers()).isEqualTo(3);
    // 12 * 3 * 64^2 + (1007 + 256) * 64
    assertThat(gpt2.parameters()).isEqualTo(228_288);
    // K and V, 3 layers x 64 floats a token, at 32768 tokens in flight
    assertThat(gpt2.instanceBytes()).isEqualTo(2L * 3 * 64 * 4 * 32_768);
    assertThat(gpt2.forwardsPerRequest()).isEqualTo(128); // max_length 128
    assertThat(plan.rows().get(3).facts().forwardsPerRequest()).isEqualTo(3); // one text per generator
  }

  @Test
  @DisplayName("sized() replaces auto with the plan, one-thread instances for the tiny defaults on 16 cores")
  void sizedReplacesAuto() {
    GraphConfig raw = ConfigLoader.parse(seed());
    assertThat(raw.models()).allSatisfy(m -> assertThat(m.instances()).isEqualTo(ModelConfig.AUTO));
    GraphConfig sized = Plan.of(raw, SIXTEEN).sized();
    assertThat(sized.models()).extracting(m -> m.instances() + "x" + m.intraOpThreads())
        .containsExactly("4x1", "4x1", "5x1", "3x1");
    assertThat(sized.models().stream().mapToInt(ModelConfig::instances).sum()).isEqualTo(16);
  }

  @Test
  @DisplayName("explicit instances and threads stay as written; the rest of the cores go to the auto models")
  void explicitWins() {
    JsonObject json = seed();
    json.getJsonObject("models").getJsonObject("gpt2").put("instances", 3).put("intra_op_threads", 2);
    Plan plan = Plan.of(ConfigLoader.parse(json), SIXTEEN);
    GraphConfig sized = plan.sized();
    assertThat(sized.models().get(0).instances()).isEqualTo(3);
    assertThat(sized.models().get(0).intraOpThreads()).isEqualTo(2);
    assertThat(plan.rows().get(0).describe()).isEqualTo(
        "gpt2: 3 instance(s) x 2 ONNX Runtime thread(s), batches of up to 16 rows; as configured");
    // 3 + 2 - 1 = 4 cores are gpt2's: 12 left for the other three
    assertThat(sized.models().stream().skip(1).mapToInt(ModelConfig::instances).sum()).isEqualTo(12);
  }

  @Test
  @DisplayName("a model another node serves is neither planned nor sized")
  void onlyServedModels() {
    Plan plan = Plan.of(ConfigLoader.parse(seed().put("roles", "http,classifier")), SIXTEEN);
    assertThat(plan.rows()).extracting(r -> r.model().name()).containsExactly("bert-base-uncased");
    assertThat(plan.sized().models().get(0).instances()).isEqualTo(ModelConfig.AUTO);
    assertThat(plan.rows().get(0).choice().instances()).isEqualTo(16);
  }

  @Test
  @DisplayName("a generator's forwards are max_new_tokens (else max_length, else 50) per returned sequence; "
      + "a classifier's, one text per generator and sequence, at least one")
  void forwardsPerRequest() {
    JsonObject json = seed();
    json.put("generation", new JsonObject().put("max_new_tokens", 20).put("max_length", 128)
        .put("num_return_sequences", 2));
    GraphConfig config = ConfigLoader.parse(json);
    assertThat(Plan.forwardsPerRequest(config, config.models().get(0))).isEqualTo(40);
    assertThat(Plan.forwardsPerRequest(config, config.models().get(3))).isEqualTo(6);
    GraphConfig lengthOnly = ConfigLoader.parse(seed().put("generation", new JsonObject().put("max_length", 30)
        .put("num_return_sequences", 3)));
    assertThat(Plan.forwardsPerRequest(lengthOnly, lengthOnly.models().get(1))).isEqualTo(90);
    GraphConfig neither = ConfigLoader.parse(seed().put("generation", new JsonObject()));
    assertThat(Plan.forwardsPerRequest(neither, neither.models().get(2))).isEqualTo(50);
    // the texts a classifier reads: prompt + new tokens, at most max_length
    assertThat(Plan.textTokens(config)).isEqualTo(20 + Plan.PROMPT_TOKENS);
    assertThat(Plan.textTokens(ConfigLoader.parse(seed().put("generation", new JsonObject().put("max_new_tokens", 200)
        .put("max_length", 128))))).isEqualTo(128);
    assertThat(Plan.textTokens(ConfigLoader.parse(seed().put("generation", new JsonObject().put("max_new_tokens", 96)
        .put("max_length", 128))))).isEqualTo(128);
    assertThat(Plan.textTokens(ConfigLoader.parse(seed().put("generation", new JsonObject().put("max_new_tokens", 8)))))
        .isEqualTo(40);
    assertThat(Plan.textTokens(lengthOnly)).isEqualTo(30);
    assertThat(Plan.textTokens(neither)).isEqualTo(50 + Plan.PROMPT_TOKENS);
    assertThat(Plan.forwardsPerRequest(neither, neither.models().get(3))).isEqualTo(3);
    GraphConfig classifierOnly = new GraphConfig(neither.http(), List.of(neither.models().get(3)), neither.graphs(),
        neither.warnings(), neither.generation(), neither.busTimeoutMs(), neither.roles(), neither.cluster(),
        neither.sessionTuning(), neither.malloc(), neither.shutdown());
    assertThat(Plan.forwardsPerRequest(classifierOnly, classifierOnly.models().get(0))).isEqualTo(1);
  }
}
