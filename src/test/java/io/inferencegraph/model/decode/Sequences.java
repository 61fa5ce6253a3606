package io.inferencegraph.model.decode;

import java.nio.FloatBuffer;

/** Moves a sequence on by hand, as a batch step would, for tests of what reads sequences. */
public final class Sequences {
  private Sequences() {}

  /** Makes the sequence's greedy sampler pick {@code id}: the only non-zero logit. */
  public static void emit(Sequence sequence, long id) {
    int candidates = (int) id + 1;
    FloatBuffer logits = FloatBuffer.allocate(candidates);
    logits.put((int) id, 1f);
    sequence.advance(logits, 0, candidates);
  }
}
