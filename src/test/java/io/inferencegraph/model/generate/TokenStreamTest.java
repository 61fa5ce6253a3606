package io.inferencegraph.model.generate;

import io.inferencegraph.model.Fixtures;
import io.inferencegraph.model.decode.Sequence;
import io.inferencegraph.model.decode.Sequences;
import io.inferencegraph.model.load.ModelOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Streamed text: whole characters only, and the deltas add up to the final continuation")
class TokenStreamTest {
  private static final String PROMPT = "Prices:";
  /** Characters of two and three UTF-8 bytes, which a byte-level tokenizer splits across tokens. */
  private static final String MULTIBYTE = " é€ ünï";

  @Test
  @DisplayName("a character split across tokens is held back until its last byte arrives")
  void holdsBackHalfCharacters() {
    try (TextGenerator generator = TextGenerator.load(Fixtures.decoder("gpt2-tiny"), ModelOptions.defaults())) {
      long[] ids = generator.prepare(MULTIBYTE, Fixtures.greedy(1)).get(0).promptIds();
      assertThat(ids.length).as("the tokenizer splits some characters into byte tokens")
          .isGreaterThan(MULTIBYTE.codePointCount(0, MULTIBYTE.length()));
      Sequence sequence = generator.prepare(PROMPT, Fixtures.greedy(ids.length)).get(0);
      List<String> deltas = new ArrayList<>();
      List<Integer> afterToken = new ArrayList<>();
      TokenStream stream = new TokenStream(generator, new TokenListener() {
        @Override
        public void onToken(int index, String text) {
          deltas.add(text);
        }
      }, List.of(sequence));
      for (long id : ids) {
        Sequences.emit(sequence, id);
        stream.afterStep();
        afterToken.add(deltas.size());
      }
      Generation generation = generator.finish(PROMPT, sequence);
      String continuation = generation.generatedText().substring(PROMPT.length());
      stream.finished(0, generation, continuation);

      assertThat(continuation).isEqualTo(MULTIBYTE);
      assertThat(String.join("", deltas)).isEqualTo(continuation);
      assertThat(deltas).noneMatch(delta -> delta.contains("\uFFFD"));
      assertThat(afterToken).as("some tokens added no whole character, so nothing was sent for them")
          .hasSizeGreaterThan(new java.util.HashSet<>(afterToken).size());
    }
  }

  @Test
  @DisplayName("with clean-up on, text that clean-up may still rewrite (' n', ' \'') waits, so the deltas still add up")
  void cleanUpNeverRewritesSentText() {
    String text = " It is n't , it 's what they 're doing , is n't it ? Yes ' ' indeed .";
    try (TextGenerator generator = TextGenerator.load(Fixtures.decoder("gpt2-tiny"), ModelOptions.defaults())) {
      long[] ids = generator.prepare(text, Fixtures.greedy(1)).get(0).promptIds();
      Sequence sequence = generator.prepare(PROMPT, Fixtures.greedy(ids.length)).get(0);
      List<String> deltas = new ArrayList<>();
      TokenStream stream = new TokenStream(generator, new TokenListener() {
        @Override
        public void onToken(int index, String delta) {
          deltas.add(delta);
        }
      }, List.of(sequence));
      for (long id : ids) {
        Sequences.emit(sequence, id);
        stream.afterStep();
      }
      Generation generation = generator.finish(PROMPT, sequence);
      String continuation = generation.generatedText().substring(PROMPT.length());
      stream.finished(0, generation, continuation);

      assertThat(continuation).as("gpt2-tiny's tokenizer_config.json turns clean-up on").contains("isn't");
      assertThat(String.join("", deltas)).isEqualTo(continuation);
    }
  }
}
