package io.inferencegraph.model.classify;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.inferencegraph.model.Fixtures;
import io.inferencegraph.model.load.ModelDirectory;
import io.inferencegraph.model.load.ModelOptions;
import io.inferencegraph.model.load.TextTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@DisplayName("The classifier matches the exporting torch model")
class TextClassifierTest {
  private static TextClassifier classifier;
  private static List<JsonObject> references;

  @BeforeAll
  static void load() {
    classifier = TextClassifier.load(Fixtures.CLASSIFIER, ModelOptions.defaults());
    references = new ArrayList<>();
    Fixtures.reference(Fixtures.CLASSIFIER).getAsJsonArray("texts").forEach(e -> references.add(e.getAsJsonObject()));
  }

  @AfterAll
  static void close() {
    classifier.close();
  }

  @Test
  @DisplayName("the tokenizer gives the reference ids with [CLS] and [SEP]")
  void tokenizerMatches() {
    try (TextTokenizer tokenizer = TextTokenizer.forClassifier(new ModelDirectory(Fixtures.CLASSIFIER), 512)) {
      for (JsonObject reference : references) {
        assertThat(tokenizer.encode(reference.get("text").getAsString()))
            .containsExactly(Fixtures.longs(reference.getAsJsonArray("input_ids")).stream().mapToLong(Long::longValue).toArray());
      }
    }
  }

  @Test
  @DisplayName("probabilities within 1e-5 of the reference, one text at a time and all in one batch")
  void probabilitiesMatch() {
    List<String> texts = references.stream().map(r -> r.get("text").getAsString()).toList();
    List<Classification> batched = classifier.classify(texts);
    for (int i = 0; i < texts.size(); i++) {
      List<Double> expected = Fixtures.doubles(references.get(i).getAsJsonArray("probabilities"));
      Classification alone = classifier.classify(List.of(texts.get(i))).get(0);
      for (Classification result : List.of(alone, batched.get(i))) {
        List<Double> actual = new ArrayList<>(result.scores().values());
        for (int label = 0; label < expected.size(); label++) {
          assertThat(actual.get(label)).isCloseTo(expected.get(label), within(1e-5));
        }
        assertThat(result.score()).isEqualTo(actual.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
        assertThat(result.label()).isEqualTo(classifier.labels().get(actual.indexOf(result.score())));
      }
    }
  }

  @Test
  @DisplayName("labels come from config.json id2label")
  void labels() {
    assertThat(classifier.labels()).containsExactly("NEGATIVE", "POSITIVE");
  }

  @Test
  @DisplayName("a text over 512 tokens is truncated to the model's maximum, not rejected")
  void longTextTruncated() {
    Classification result = classifier.classify(List.of("hello world ".repeat(600))).get(0);
    assertThat(result.truncated()).isTrue();
    assertThat(result.tokens()).isEqualTo(512);
    assertThat(result.score()).isBetween(0.0, 1.0);
  }

  @Test
  @DisplayName("problem_type regression reports the raw logits, as the pipeline's function_to_apply none does")
  void regressionScoresAreLogits(@TempDir Path temp) throws IOException {
    assertScoresAre(withProblemType(temp, "regression"), logit -> logit);
  }

  @Test
  @DisplayName("problem_type multi_label_classification applies a sigmoid to each logit")
  void multiLabelScoresAreSigmoids(@TempDir Path temp) throws IOException {
    assertScoresAre(withProblemType(temp, "multi_label_classification"), logit -> 1 / (1 + Math.exp(-logit)));
  }

  @Test
  @DisplayName("the pipeline's choice of function: regression none, one label or multi-label sigmoid, else softmax")
  void functionChoiceFollowsThePipeline() {
    assertThat(Scoring.of("regression", 1)).isEqualTo(Scoring.NONE);
    assertThat(Scoring.of("regression", 3)).isEqualTo(Scoring.NONE);
    assertThat(Scoring.of("multi_label_classification", 3)).isEqualTo(Scoring.SIGMOID);
    assertThat(Scoring.of(null, 1)).isEqualTo(Scoring.SIGMOID);
    assertThat(Scoring.of("single_label_classification", 1)).isEqualTo(Scoring.SIGMOID);
    assertThat(Scoring.of("single_label_classification", 2)).isEqualTo(Scoring.SOFTMAX);
    assertThat(Scoring.of(null, 2)).isEqualTo(Scoring.SOFTMAX);
  }

  /** A copy of the fixture classifier whose config.json declares another problem_type. */
  private static Path withProblemType(Path temp, String problemType) throws IOException {
    Path copy = Fixtures.copy(Fixtures.CLASSIFIER, temp.resolve("classifier"));
    Path config = copy.resolve("config.json");
    JsonObject json = JsonParser.parseString(Files.readString(config)).getAsJsonObject();
    json.addProperty("problem_type", problemType);
    Files.writeString(config, json.toString());
    return copy;
  }

  /** Each label's score is {@code function} of the model's own logit; the top label has the highest. */
  private static void assertScoresAre(Path model, DoubleUnaryOperator function) {
    List<String> texts = references.stream().map(r -> r.get("text").getAsString()).toList();
    try (TextClassifier copy = TextClassifier.load(model, ModelOptions.defaults())) {
      float[] logits = copy.logits(texts);
      List<Classification> results = copy.classify(texts);
      int labels = copy.labels().size();
      for (int i = 0; i < texts.size(); i++) {
        List<Double> scores = new ArrayList<>(results.get(i).scores().values());
        for (int label = 0; label < labels; label++) {
          assertThat(scores.get(label)).as("%s, label %d", texts.get(i), label)
              .isCloseTo(function.applyAsDouble(logits[i * labels + label]), within(1e-6));
        }
        assertThat(results.get(i).score()).isEqualTo(scores.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
      }
    }
  }
}
