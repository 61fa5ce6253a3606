package io.inferencegraph.api;

import io.inferencegraph.TestGraphs;
import io.inferencegraph.model.load.DecoderConfig;
import io.inferencegraph.model.load.ModelDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A model's generation settings this service does not implement are named at load, not dropped silently")
class IgnoredGenerationKeysTest {

  @Test
  @DisplayName("num_beams and length_penalty in generation_config.json are reported; implemented keys and token ids are not")
  void reportedAtLoad(@TempDir Path temp) throws IOException {
    Path model = TestGraphs.copyModel(Path.of("models/gpt2-tiny"), temp.resolve("gpt2-tiny"));
    Path generation = model.resolve("generation_config.json");
    Files.writeString(generation, Files.readString(generation).replaceFirst("\\{",
        "{\"num_beams\": 4, \"length_penalty\": 2.0, \"repetition_penalty\": 1.3, \"bad_words_ids\": [[5], [6, 7]], \"no_repeat_ngram_size\": 3, \"top_k\": 7,"));
    DecoderConfig config = DecoderConfig.read(new ModelDirectory(model));
    assertThat(config.ignoredGenerationKeys()).containsExactly("length_penalty", "num_beams");
    assertThat(config.defaults().topK()).as("the implemented keys still apply").isEqualTo(7);
    assertThat(config.defaults().badWordsIds()).isEqualTo(java.util.List.of(java.util.List.of(5L), java.util.List.of(6L, 7L)));
  }

  @Test
  @DisplayName("the shipped models have nothing to report")
  void shippedModels() {
    assertThat(DecoderConfig.read(new ModelDirectory(Path.of("models/gpt2-tiny"))).ignoredGenerationKeys()).isEmpty();
  }
}
