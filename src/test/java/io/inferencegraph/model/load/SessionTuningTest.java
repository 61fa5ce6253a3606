package io.inferencegraph.model.load;

import ai.onnxruntime.OrtSession;
import com.google.gson.JsonObject;
import io.inferencegraph.model.Decoding;
import io.inferencegraph.model.Fixtures;
import io.inferencegraph.model.classify.Classification;
import io.inferencegraph.model.classify.TextClassifier;
import io.inferencegraph.model.generate.Generation;
import io.inferencegraph.model.generate.TextGenerator;
import java.nio.file.Path;
import java.util.Map;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@DisplayName("Every memory and thread setting of the ONNX Runtime sessions gives the exporting torch model's answers")
class SessionTuningTest {

  @ParameterizedTest(name = "prepacking {0}, CPU arena {1}, spinning {2}, core turns {3}")
  @CsvSource({"false, false, true, false", "true, false, false, true", "false, true, true, true", "true, true, false, false"})
  @DisplayName("the classifier's probabilities stay within 1e-5 of the reference")
  void classifierMatchesReference(boolean prepacking, boolean cpuArena, boolean spinning, boolean turns) {
    ModelOptions options = new ModelOptions(null, null, 2, true, new SessionTuning(prepacking, cpuArena, spinning, turns));
    List<JsonObject> references = new ArrayList<>();
    Fixtures.reference(Fixtures.CLASSIFIER).getAsJsonArray("texts").forEach(e -> references.add(e.getAsJsonObject()));
    try (TextClassifier classifier = TextClassifier.load(Fixtures.CLASSIFIER, options)) {
      List<Classification> results = classifier.classify(references.stream().map(r -> r.get("text").getAsString()).toList());
      for (int i = 0; i < references.size(); i++) {
        List<Double> expected = Fixtures.doubles(references.get(i).getAsJsonArray("probabilities"));
        List<Double> actual = new ArrayList<>(results.get(i).scores().values());
        for (int label = 0; label < expected.size(); label++) {
          assertThat(actual.get(label)).isCloseTo(expected.get(label), within(1e-5));
        }
      }
    }
  }

  @ParameterizedTest(name = "prepacking {0}, CPU arena {1}, spinning {2}, core turns {3}")
  @CsvSource({"false, false, true, false", "true, true, false, true"})
  @DisplayName("a decoder's greedy tokens are the reference's")
  void decoderMatchesReference(boolean prepacking, boolean cpuArena, boolean spinning, boolean turns) {
    ModelOptions options = new ModelOptions(null, null, 2, true, new SessionTuning(prepacking, cpuArena, spinning, turns));
    Path model = Fixtures.decoder("gpt2-tiny");
    try (TextGenerator generator = TextGenerator.load(model, options)) {
      for (Fixtures.Prompt prompt : Fixtures.prompts(model)) {
        Generation generation = Decoding.generate(generator, List.of(prompt.text()),
            Fixtures.greedy(Fixtures.referenceMaxNewTokens(model))).get(0).get(0);
        assertThat(generation.tokenIds()).as(prompt.text()).isEqualTo(prompt.outputIds());
      }
    }
  }

  @ParameterizedTest(name = "prepacking {0}, spinning {1}")
  @CsvSource({"true, false", "false, true"})
  @DisplayName("the session options carry the settings: spinning and prepacking off only when asked")
  void sessionOptions(boolean prepacking, boolean spinning) throws Exception {
    ModelOptions model = new ModelOptions(null, null, 3, true, new SessionTuning(prepacking, true, spinning, true));
    try (OrtSession.SessionOptions options = OnnxSessions.options(model, OrtSession.SessionOptions.OptLevel.NO_OPT)) {
      Map<String, String> entries = options.getConfigEntries();
      assertThat(entries.get("session.intra_op.allow_spinning")).isEqualTo(spinning ? null : "0");
      assertThat(entries.get("session.disable_prepacking")).isEqualTo(prepacking ? null : "1");
    }
  }
}
