package io.inferencegraph.api;

import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Generation parameters: parsed once from outside input, built by name in code")
class GenerationParamsTest {

  @Test
  @DisplayName("generation_config.json keys the service does not implement are reported, not silently dropped")
  void modelDefaultsReportIgnoredKeys() {
    GenerationParams.ModelDefaults defaults = GenerationParams.parseModelDefaults(Map.of(
        "_from_model_config", true, "transformers_version", "4.40.0", "bos_token_id", 1006, "eos_token_id", 1006,
        "max_length", 50, "do_sample", true,
        "num_beams", 4, "length_penalty", 2.0, "repetition_penalty", 1.3, "no_repeat_ngram_size", 3));
    assertThat(defaults.ignoredKeys()).containsExactly("length_penalty", "num_beams");
    assertThat(defaults.params().repetitionPenalty()).isEqualTo(1.3);
    assertThat(defaults.params().noRepeatNgramSize()).isEqualTo(3);
    assertThat(defaults.params().maxLength()).isEqualTo(50);
    assertThat(defaults.params().doSample()).isTrue();
  }

  @Test
  @DisplayName("a generation_config.json with only implemented and token-id keys ignores nothing")
  void modelDefaultsWithNothingIgnored() {
    assertThat(GenerationParams.parseModelDefaults(Map.of("eos_token_id", 0, "top_k", 40)).ignoredKeys()).isEmpty();
  }

  @Test
  @DisplayName("a request's unknown key, wrong type or out-of-range value is refused, naming the field")
  void strictParse() {
    assertThatThrownBy(() -> GenerationParams.parse(Map.of("num_beams", 4)))
        .isInstanceOf(ServiceException.class).hasMessageStartingWith("num_beams: unknown");
    assertThatThrownBy(() -> GenerationParams.parse(Map.of("repetition_penalty", 0)))
        .isInstanceOf(ServiceException.class).hasMessageStartingWith("repetition_penalty: must be a finite number > 0");
    assertThatThrownBy(() -> GenerationParams.parse(Map.of("no_repeat_ngram_size", -1)))
        .isInstanceOf(ServiceException.class).hasMessageStartingWith("no_repeat_ngram_size: must be >= 0");
    assertThatThrownBy(() -> GenerationParams.parse(Map.of("no_repeat_ngram_size", 2.5)))
        .isInstanceOf(ServiceException.class).hasMessageStartingWith("no_repeat_ngram_size: must be an integer");
    assertThatThrownBy(() -> GenerationParams.parse(Map.of("top_k", 2.5)))
        .isInstanceOf(ServiceException.class).hasMessageStartingWith("top_k: must be an integer");
    assertThatThrownBy(() -> GenerationParams.parse(Map.of("top_p", 1.5)))
        .isInstanceOf(ServiceException.class).hasMessageStartingWith("top_p");
    assertThatThrownBy(() -> GenerationParams.parse(Map.of("num_return_sequences", 17)))
        .isInstanceOf(ServiceException.class).hasMessageStartingWith("num_return_sequences");
  }

  @Test
  @DisplayName("layers combine field by field, and toMap reads back through parse")
  void layersAndRoundTrip() {
    GenerationParams config = Params.of("max_length", 128, "num_return_sequences", 1);
    GenerationParams request = Params.of("max_new_tokens", 24, "do_sample", true, "temperature", 0.8, "seed", 1234L);
    GenerationParams combined = config.overriddenBy(request);
    assertThat(combined.maxLength()).isEqualTo(128);
    assertThat(combined.maxNewTokens()).isEqualTo(24);
    assertThat(combined.seed()).isEqualTo(1234L);
    assertThat(GenerationParams.parse(combined.toMap())).isEqualTo(combined);
    assertThat(GenerationParams.none().overriddenBy(request)).isEqualTo(request);
  }
}
