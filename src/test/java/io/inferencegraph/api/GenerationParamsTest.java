package io.inferencegraph.api;

import io.vertx.core.json.JsonObject;
import java.util.List;
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

  @Test
  @DisplayName("bad_words_ids reads a list of token-id lists from a request, the config or a model's file, and writes it back")
  void badWordsIds() {
    List<List<Long>> words = List.of(List.of(262L), List.of(486L, 11L));
    assertThat(Params.of("bad_words_ids", List.of(List.of(262), List.of(486, 11))).badWordsIds()).isEqualTo(words);
    assertThat(GenerationParams.parse(new JsonObject("{\"bad_words_ids\": [[262], [486, 11.0]]}").getMap())
        .badWordsIds()).as("a Vert.x request body, whole floats allowed").isEqualTo(words);
    GenerationParams.ModelDefaults fromFile = GenerationParams.parseModelDefaults(
        new com.google.gson.Gson().fromJson("{\"bad_words_ids\": [[262], [486, 11]], \"top_k\": 3}", Map.class));
    assertThat(fromFile.ignoredKeys()).isEmpty();
    assertThat(fromFile.params().badWordsIds()).as("Gson's doubles from generation_config.json").isEqualTo(words);
    GenerationParams params = Params.of("bad_words_ids", List.of(List.of(262), List.of(486, 11)), "top_k", 3);
    assertThat(GenerationParams.parse(params.toMap())).isEqualTo(params);
    assertThat(Params.of("top_k", 3).overriddenBy(params).badWordsIds()).isEqualTo(words);
    assertThat(params.overriddenBy(Params.of("top_k", 4)).badWordsIds()).isEqualTo(words);
    assertThatThrownBy(() -> params.badWordsIds().get(1).add(5L)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  @DisplayName("a bad_words_ids that is not a non-empty list of non-empty lists of ids >= 0 is refused in words that say so")
  void badWordsIdsRefused() {
    String shape = "bad_words_ids: must be a list of lists of token ids (integers >= 0), such as [[42], [7, 19]], got ";
    assertRefused(List.of(1, 2), shape + "an item 1");
    assertRefused("bad", shape + "the string \"bad\"");
    assertRefused(7, shape + "7");
    assertRefused(List.of(List.of("a")), shape + "the token id the string \"a\"");
    assertRefused(List.of(List.of(1.5)), shape + "the token id 1.5");
    assertRefused(List.of(), "bad_words_ids: must be a non-empty list of lists of token ids");
    assertRefused(List.of(List.of(1), List.of()), "bad_words_ids: each bad word must have at least one token id, got []");
    assertRefused(List.of(List.of(1, -1)), "bad_words_ids: token ids must be >= 0, got -1");
    assertThat(Params.of("bad_words_ids", List.of(List.of(0))).badWordsIds()).containsExactly(List.of(0L));
  }

  private static void assertRefused(Object value, String message) {
    assertThatThrownBy(() -> Params.of("bad_words_ids", value)).isInstanceOf(ServiceException.class)
        .hasMessage(message).extracting(e -> ((ServiceException) e).param()).isEqualTo("bad_words_ids");
  }

  @Test
  @DisplayName("token ids at or past the vocabulary are refused, naming the id and the vocabulary's range")
  void badWordsIdsInTheVocabulary() {
    GenerationParams params = Params.of("bad_words_ids", List.of(List.of(3), List.of(1, 1006)));
    params.checkTokenIds(1007);
    assertThatThrownBy(() -> params.checkTokenIds(1006)).isInstanceOf(ServiceException.class)
        .hasMessage("bad_words_ids: token id 1006 is not in the model's vocabulary (0 to 1005)");
    GenerationParams.none().checkTokenIds(1);
  }

  @Test
  @DisplayName("values convert by the component's type: stop_strings from a string or a list, integers within int and 2^53")
  void valueConversion() {
    assertThat(Params.of("stop_strings", "\n").stopStrings()).containsExactly("\n");
    assertThat(Params.of("stop_strings", List.of("a", "b")).stopStrings()).containsExactly("a", "b");
    assertThatThrownBy(() -> Params.of("stop_strings", List.of("a", ""))).isInstanceOf(ServiceException.class)
        .hasMessage("stop_strings: must be a non-empty string or a list of them, got ");
    assertThatThrownBy(() -> Params.of("stop_strings", 5)).hasMessage("stop_strings: must be a non-empty string or a list of them, got 5");
    assertThatThrownBy(() -> Params.of("temperature", "hot")).hasMessage("temperature: must be a number, got the string \"hot\"");
    assertThatThrownBy(() -> Params.of("top_k", "3")).hasMessage("top_k: must be an integer, got the string \"3\"");
    assertThat(Params.of("max_new_tokens", 2147483647L).maxNewTokens()).isEqualTo(Integer.MAX_VALUE);
    assertThatThrownBy(() -> Params.of("max_new_tokens", 2147483648L)).hasMessage("max_new_tokens: out of range: 2147483648");
    assertThatThrownBy(() -> Params.of("top_k", -2147483648L)).hasMessage("top_k: must be >= 0, got -2147483648");
    assertThatThrownBy(() -> Params.of("top_k", -2147483649L)).hasMessage("top_k: out of range: -2147483649");
    assertThat(Params.of("seed", 9007199254740991.0).seed()).isEqualTo(9007199254740991L);
    assertThatThrownBy(() -> Params.of("seed", 9007199254740992.0)).hasMessage("seed: must be an integer, got 9.007199254740992E15");
    assertThatThrownBy(() -> Params.of("bad_words_ids", List.of(List.of(9007199254740992.0)))).hasMessageStartingWith(
        "bad_words_ids: must be a list of lists of token ids");
  }
}
