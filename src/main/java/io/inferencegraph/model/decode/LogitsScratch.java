package io.inferencegraph.model.decode;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A direct float buffer that grows when needed and is reused between steps of one batch: by half
 * again, up to {@code usualMax} floats, or to exactly what a larger step needs.
 */
final class LogitsScratch {
  private final long usualMax;
  private ByteBuffer bytes = DirectBuffers.EMPTY;

  LogitsScratch(long usualMax) {
    this.usualMax = usualMax;
  }

  FloatBuffer floats(int count) {
    if (bytes.capacity() < count * Float.BYTES) {
      long grown = Math.max(count, Math.min(usualMax, bytes.capacity() / Float.BYTES * 3L / 2));
      DirectBuffers.free(bytes); // the last step's tensors over it are closed
      bytes = DirectBuffers.EMPTY;
      bytes = DirectBuffers.allocate(Math.toIntExact(grown * Float.BYTES));
    }
    return bytes.duplicate().order(ByteOrder.nativeOrder()).limit(count * Float.BYTES).slice()
        .order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  /** Frees the buffer now; no view {@link #floats} returned may be used afterwards. */
  void free() {
    DirectBuffers.free(bytes);
    bytes = DirectBuffers.EMPTY;
  }

  /** Each row's logits at its last position, [rows * vocab]: the step's own buffer when one position was run. */
  static FloatBuffer lastPositions(FloatBuffer logits, int rows, int length, int vocab) {
    if (length == 1) {
      return logits;
    }
    FloatBuffer last = FloatBuffer.allocate(rows * vocab);
    for (int r = 0; r < rows; r++) {
      last.put(r * vocab, logits, ((r * length) + length - 1) * vocab, vocab);
    }
    return last;
  }
}
