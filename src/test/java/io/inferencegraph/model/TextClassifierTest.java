package io.inferencegraph.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

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
}
