package io.inferencegraph.model.decode;

import io.inferencegraph.api.GenerationParams;
import io.inferencegraph.api.Params;
import java.nio.FloatBuffer;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A sequence grows by one drawn token per step and ends at eos, at its length, or when aborted")
class SequenceTest {
  private static final int VOCAB = 8;
  private static final long EOS = 5;

  @Test
  @DisplayName("min_new_tokens masks eos in the sequence's own row until that many tokens are out, then eos ends it")
  void minNewTokensMasksEos() {
    Sequence sequence = new Sequence(new long[] {1, 2}, 0, 10, 2, greedy(), Set.of(EOS));
    for (int step = 0; step < 3; step++) {
      // a batch of two rows: this sequence reads the second; eos is its best token, 3 the next best
      FloatBuffer logits = FloatBuffer.allocate(2 * VOCAB);
      logits.put(VOCAB + (int) EOS, 10f).put(VOCAB + 3, 5f).put((int) EOS, 10f);
      sequence.advance(logits, VOCAB, VOCAB);
      boolean masked = step < 2;
      assertThat(logits.get(VOCAB + (int) EOS)).as("eos in its row at step %d", step)
          .isEqualTo(masked ? Float.NEGATIVE_INFINITY : 10f);
      assertThat(logits.get((int) EOS)).as("the other row is untouched").isEqualTo(10f);
    }
    assertThat(sequence.newIds()).containsExactly(3, 3, EOS);
    assertThat(sequence.finishReason()).isEqualTo("eos");
    assertThat(sequence.length()).isEqualTo(5);
  }

  @Test
  @DisplayName("an eos id beyond the row's candidates is neither masked nor drawn")
  void eosBeyondTheCandidates() {
    long outside = 6;
    Sequence sequence = new Sequence(new long[] {1}, 0, 3, 3, greedy(), Set.of(EOS, outside));
    FloatBuffer logits = FloatBuffer.allocate(VOCAB);
    logits.put((int) outside, 7f).put(2, 1f);
    sequence.advance(logits, 0, 6);
    assertThat(logits.get((int) outside)).isEqualTo(7f);
    assertThat(logits.get((int) EOS)).isEqualTo(Float.NEGATIVE_INFINITY);
    assertThat(sequence.newIds()).containsExactly(2);
  }

  @Test
  @DisplayName("without eos a sequence ends at max_new_tokens, reason 'length'")
  void endsAtItsLength() {
    Sequence sequence = new Sequence(new long[] {4, 4, 4}, 0, 2, 0, greedy(), Set.of(EOS));
    Sequences.emit(sequence, 1);
    assertThat(sequence.finished()).isFalse();
    assertThat(sequence.finishReason()).isNull();
    Sequences.emit(sequence, 2);
    assertThat(sequence.finished()).isTrue();
    assertThat(sequence.finishReason()).isEqualTo("length");
    assertThat(sequence.promptIds()).containsExactly(4, 4, 4);
    assertThat(sequence.newIds()).containsExactly(1, 2);
    assertThat(sequence.lastToken()).isEqualTo(2);
  }

  @Test
  @DisplayName("abort ends a sequence where it stands, reason 'error'")
  void abort() {
    Sequence sequence = new Sequence(new long[] {4}, 0, 5, 0, greedy(), Set.of(EOS));
    Sequences.emit(sequence, 1);
    sequence.abort();
    assertThat(sequence.finished()).isTrue();
    assertThat(sequence.finishReason()).isEqualTo("error");
    assertThat(sequence.newIds()).containsExactly(1);
  }

  @Test
  @DisplayName("from resolved parameters: the prompt as cut, its longest length, and min_new_tokens capped at max_new_tokens")
  void fromParameters() {
    GenerationParams params = Params.of("do_sample", false, "temperature", 1.0, "top_k", 0, "top_p", 1.0,
        "min_new_tokens", 10);
    Sequence sequence = new Sequence(new long[] {7, 8, 9}, 4, 3, params, 0L, Set.of(EOS));
    assertThat(sequence.promptLength()).isEqualTo(3);
    assertThat(sequence.droppedPromptTokens()).isEqualTo(4);
    assertThat(sequence.maxNewTokens()).isEqualTo(3);
    assertThat(sequence.longest()).isEqualTo(6);
    for (int step = 0; step < 3; step++) {
      FloatBuffer logits = FloatBuffer.allocate(VOCAB);
      logits.put((int) EOS, 10f).put(step, 1f);
      sequence.advance(logits, 0, VOCAB);
    }
    assertThat(sequence.newIds()).as("eos masked to the end").containsExactly(0, 1, 2);
    assertThat(sequence.finishReason()).isEqualTo("length");
  }

  @Test
  @DisplayName("bad_words_ids bans in the sequence's row after the n-gram ban; a lone eos word is dropped, as transformers does")
  void badWords() {
    GenerationParams params = Params.of("do_sample", false, "min_new_tokens", 0, "bad_words_ids",
        java.util.List.of(java.util.List.of(EOS), java.util.List.of(2, 3), java.util.List.of(4), java.util.List.of(EOS, 6)));
    Sequence sequence = new Sequence(new long[] {1, 2}, 0, 4, params.overriddenBy(Params.of("temperature", 1.0,
        "top_k", 0, "top_p", 1.0)), 0L, Set.of(EOS));
    FloatBuffer logits = FloatBuffer.allocate(VOCAB);
    logits.put(3, 9f).put(4, 8f).put(6, 7f).put(7, 1f);
    sequence.advance(logits, 0, VOCAB);
    assertThat(logits.array()).containsExactly(0, 0, 0, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, 0, 7f, 1f);
    assertThat(sequence.newIds()).containsExactly(6);
    FloatBuffer eos = FloatBuffer.allocate(VOCAB);
    eos.put((int) EOS, 9f).put(3, 8f);
    sequence.advance(eos, 0, VOCAB);
    assertThat(sequence.newIds()).as("eos alone is not banned").containsExactly(6, EOS);
    assertThat(sequence.finishReason()).isEqualTo("eos");
  }

  private static Sampler greedy() {
    return new Sampler(false, 1.0, 0, 1.0, 0L);
  }
}
