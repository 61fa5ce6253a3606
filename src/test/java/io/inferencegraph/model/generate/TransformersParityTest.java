package io.inferencegraph.model.generate;

import ai.onnxruntime.OrtException;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.inferencegraph.TestGraphs;
import io.inferencegraph.api.GenerationParams;
import io.inferencegraph.api.Params;
import io.inferencegraph.model.Decoding;
import io.inferencegraph.model.Fixtures;
import io.inferencegraph.model.decode.DecodeBatch;
import io.inferencegraph.model.decode.Sequence;
import io.inferencegraph.model.load.ModelOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The expected ids in src/test/resources/logits_processors_reference.json were made by
 * {@code python3 tools/logits_processors_reference.py > src/test/resources/logits_processors_reference.json}
 * with transformers 5.18.0, torch 2.13.0+cpu and onnxruntime 1.30.0: transformers' own
 * {@code GPT2LMHeadModel.generate} on gpt2-tiny's weights, cross-checked by the script against onnxruntime
 * logits passed through the LogitsProcessorList transformers builds (its order is recorded per case).
 */
@DisplayName("repetition_penalty, no_repeat_ngram_size and bad_words_ids decode exactly the ids transformers' generate does")
class TransformersParityTest {
  private static final Path REFERENCE = Path.of("src/test/resources/logits_processors_reference.json");
  private static TextGenerator generator;

  @BeforeAll
  static void load() {
    generator = TextGenerator.load(Fixtures.decoder("gpt2-tiny"), ModelOptions.defaults());
  }

  @AfterAll
  static void close() {
    generator.close();
  }

  record Case(String prompt, List<Long> inputIds, GenerationParams params, List<Long> outputIds) {}

  private static List<Case> cases() throws IOException {
    JsonObject reference = JsonParser.parseString(Files.readString(REFERENCE)).getAsJsonObject();
    int newTokens = reference.get("max_new_tokens").getAsInt();
    GenerationParams base = Params.of("max_new_tokens", newTokens, "min_new_tokens", newTokens, "do_sample", false);
    List<Case> cases = new ArrayList<>();
    for (var element : reference.getAsJsonArray("cases")) {
      JsonObject c = element.getAsJsonObject();
      Map<String, Object> parameters = new io.vertx.core.json.JsonObject(c.get("parameters").toString()).getMap();
      cases.add(new Case(c.get("prompt").getAsString(), Fixtures.longs(c.getAsJsonArray("input_ids")),
          base.overriddenBy(GenerationParams.parse(parameters)), Fixtures.longs(c.getAsJsonArray("output_ids"))));
    }
    assertThat(cases).hasSizeGreaterThanOrEqualTo(10);
    return cases;
  }

  @Test
  @DisplayName("each case alone: the prompt tokenizes alike and the greedy continuation is transformers', id for id")
  void eachAlone() throws IOException {
    List<List<Long>> outputs = new ArrayList<>();
    for (Case c : cases()) {
      Sequence prepared = generator.prepare(c.prompt(), c.params()).get(0);
      assertThat(Arrays.stream(prepared.promptIds()).boxed().toList()).as("input ids of %s", c.prompt()).isEqualTo(c.inputIds());
      Generation g = Decoding.one(generator, c.prompt(), c.params());
      assertThat(g.tokenIds()).as("%s with %s", c.prompt(), c.params().toMap()).isEqualTo(c.outputIds());
      outputs.add(g.tokenIds());
    }
    assertThat(outputs.stream().distinct().count()).as("the cases decode differently from each other").isGreaterThan(8);
  }

  @Test
  @DisplayName("all cases in one batch: each row keeps its own processors and history")
  void allInOneBatch() throws IOException, OrtException {
    List<Case> cases = cases();
    List<Sequence> sequences = cases.stream().map(c -> generator.prepare(c.prompt(), c.params()).get(0)).toList();
    try (DecodeBatch batch = generator.newBatch()) {
      batch.admit(sequences);
      batch.evictFinished();
      while (batch.size() > 0) {
        batch.step();
        batch.evictFinished();
      }
    }
    for (int i = 0; i < cases.size(); i++) {
      assertThat(Arrays.stream(sequences.get(i).newIds()).boxed().toList())
          .as("%s with %s", cases.get(i).prompt(), cases.get(i).params().toMap()).isEqualTo(cases.get(i).outputIds());
    }
  }

  @Test
  @DisplayName("bad_words_ids from generation_config.json apply by default, with transformers' ids; one past the vocabulary fails the load")
  void fromGenerationConfig(@TempDir Path temp) throws IOException {
    Case single = cases().stream().filter(c -> c.params().badWordsIds() != null
        && c.params().badWordsIds().equals(List.of(List.of(262L)))).findFirst().orElseThrow();
    Path model = TestGraphs.copyModel(Fixtures.decoder("gpt2-tiny"), temp.resolve("gpt2-tiny"));
    Path generation = model.resolve("generation_config.json");
    String original = Files.readString(generation);
    Files.writeString(generation, original.replaceFirst("\\{", "{\"bad_words_ids\": [[262]],"));
    try (TextGenerator configured = TextGenerator.load(model, ModelOptions.defaults())) {
      assertThat(configured.defaults().badWordsIds()).isEqualTo(List.of(List.of(262L)));
      GenerationParams request = Params.of("max_new_tokens", single.outputIds().size(),
          "min_new_tokens", single.outputIds().size(), "do_sample", false);
      assertThat(Decoding.one(configured, single.prompt(), request).tokenIds()).isEqualTo(single.outputIds());
    }
    Files.writeString(generation, original.replaceFirst("\\{", "{\"bad_words_ids\": [[262], [1007]],"));
    assertThatThrownBy(() -> TextGenerator.load(model, ModelOptions.defaults()))
        .hasMessageContaining("bad_words_ids: token id 1007 is not in the model's vocabulary (0 to 1006)");
  }
}
