package io.inferencegraph.model.decode;

import java.nio.FloatBuffer;

/**
 * Inputs of one forward pass over {@code rows} rows of {@code length} new tokens each; the present
 * keys and values are written into {@code present} (reshaped to [rows, past + length]), or not
 * fetched when it is null.
 */
record DecodeStep(int rows, int length, long[] inputIds, long[] attentionMask, long[] positionIds, KvCache past,
    KvCache present) {

  /** Last-position logits of each row ([rows * vocab]) and the filled present cache (null when none was asked for). */
  record Output(FloatBuffer lastLogits, KvCache present) {}
}
