package io.inferencegraph.model.decode;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import io.inferencegraph.model.load.OnnxSessions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * Past keys and values held in reusable direct buffers, one per past input, each viewed as [rows,
 * heads, length, headDim]. Row r holds its valid entries in its last columns; the columns before
 * are left padding that the attention mask hides. ONNX Runtime writes a step's present outputs
 * straight into such a cache (pinned outputs), and rows move between caches by native byte copies,
 * so neither a step nor a join or leave allocates KV memory once the buffers are big enough.
 */
final class KvCache implements AutoCloseable {
  /** Where one row of a gathered cache comes from: a row of another cache and its valid length. */
  record Slice(KvCache source, int row, int valid) {}

  private final DecoderGraph graph;
  private final ByteBuffer[] data;
  private OnnxTensor[] views;
  private int rows;
  private int length;
  private long reserved;

  KvCache(DecoderGraph graph) {
    this.graph = graph;
    this.data = new ByteBuffer[graph.signature.pastNames.size()];
    Arrays.fill(data, DirectBuffers.EMPTY);
  }

  int rows() {
    return rows;
  }

  int length() {
    return length;
  }

  /**
   * Bytes of keys and values the current shape holds: rows × layers × 2 × heads × length × headDim ×
   * element size (summed over the past inputs, which are the layers' keys and values).
   */
  long bytes() {
    long total = 0;
    for (int t = 0; t < data.length; t++) {
      total += tensorBytes(t, rows, length);
    }
    return total;
  }

  /** Bytes of direct memory the buffers hold, whatever the current shape. */
  long capacityBytes() {
    long total = 0;
    for (ByteBuffer buffer : data) {
      total += buffer.capacity();
    }
    return total;
  }

  /**
   * Token slots (rows × length) this cache may have to hold before its rows change: the rows times
   * the longest any of them may grow to. When a shape outgrows the buffers they grow to this at
   * once, so a batch that lengthens by a token per step does not reallocate per step.
   */
  void reserve(long slots) {
    reserved = slots;
  }

  /**
   * Gives the cache a new shape, growing a buffer only when the shape outgrows it (to the reserved
   * slots, see {@link #reserve}); a replaced buffer is freed at once. The contents are undefined
   * afterwards: the caller is about to overwrite them. Buffers never shrink: they stay at the
   * largest batch reached, which the batcher's token budget bounds.
   */
  KvCache reshape(int rows, int length) {
    closeViews();
    for (int t = 0; t < data.length; t++) {
      long needed = tensorBytes(t, rows, length);
      if (needed > Integer.MAX_VALUE) {
        throw new IllegalStateException("KV cache of " + rows + " rows × " + length + " tokens exceeds 2 GB per tensor");
      }
      if (data[t].capacity() < needed) {
        long grown = Math.min(Integer.MAX_VALUE, Math.max(needed, tensorBytes(t, 1, reserved)));
        DirectBuffers.free(data[t]);
        data[t] = DirectBuffers.EMPTY; // if the allocation fails, the cache still holds no freed buffer
        data[t] = DirectBuffers.allocate((int) grown);
      }
    }
    this.rows = rows;
    this.length = length;
    return this;
  }

  /** Tensors over the buffers in the current shape; they do not own the memory and live until the next reshape. */
  OnnxTensor[] tensors() throws OrtException {
    if (views == null) {
      OnnxTensor[] created = new OnnxTensor[data.length];
      try {
        for (int t = 0; t < data.length; t++) {
          ByteBuffer view = data[t].slice(0, (int) tensorBytes(t, rows, length)).order(ByteOrder.nativeOrder());
          long[] shape = {rows, graph.signature.pastHeads[t], length, graph.signature.pastHeadDims[t]};
          created[t] = OnnxTensor.createTensor(OnnxSessions.environment(), view, shape, graph.signature.pastType);
        }
      } catch (OrtException | RuntimeException e) {
        closeAll(created);
        throw e;
      }
      views = created;
    }
    return views;
  }

  /**
   * Fills this cache with the given rows, right-aligned so that its length is the longest valid
   * length among them, by native copies; the sources are left untouched and must not be this cache.
   */
  void gather(List<Slice> slices) {
    int newLength = slices.stream().mapToInt(Slice::valid).max().orElse(0);
    reshape(slices.size(), newLength);
    int bytes = graph.signature.pastType.size;
    for (int t = 0; t < data.length; t++) {
      int heads = (int) graph.signature.pastHeads[t];
      int dim = (int) graph.signature.pastHeadDims[t];
      for (int r = 0; r < slices.size(); r++) {
        Slice slice = slices.get(r);
        if (slice.source() == this) {
          throw new IllegalArgumentException("a KV cache cannot gather from itself");
        }
        ByteBuffer source = slice.source().data[t];
        int sourceLength = slice.source().length;
        for (int h = 0; h < heads; h++) {
          long from = ((long) (slice.row() * heads + h) * sourceLength + sourceLength - slice.valid()) * dim * bytes;
          long to = ((long) (r * heads + h) * newLength + newLength - slice.valid()) * dim * bytes;
          data[t].put((int) to, source, (int) from, slice.valid() * dim * bytes);
        }
      }
    }
  }

  private long tensorBytes(int t, long rows, long length) {
    return (long) rows * graph.signature.pastHeads[t] * length * graph.signature.pastHeadDims[t] * graph.signature.pastType.size;
  }

  private void closeViews() {
    if (views != null) {
      closeAll(views);
      views = null;
    }
  }

  private static void closeAll(OnnxTensor[] tensors) {
    for (OnnxTensor tensor : tensors) {
      if (tensor != null) {
        tensor.close();
      }
    }
  }

  /** Closes the tensor views and drops the buffers; the cache is empty afterwards. */
  @Override
  public void close() {
    closeViews();
    for (int t = 0; t < data.length; t++) {
      DirectBuffers.free(data[t]);
      data[t] = DirectBuffers.EMPTY;
    }
    rows = 0;
    length = 0;
  }
}
