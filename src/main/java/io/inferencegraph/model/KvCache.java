package io.inferencegraph.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The past keys and values of a batch: one tensor per past input, each [rows, heads, length,
 * headDim]. Row r holds its valid entries in its last columns; the columns before are left padding
 * that the attention mask hides. Elements are copied as bytes, so float16 caches stay float16.
 */
final class KvCache implements AutoCloseable {
  /** Where one row of a new cache comes from: a row of an existing cache and its valid length. */
  record Slice(KvCache source, int row, int valid) {}

  final OnnxTensor[] tensors;
  final int rows;
  final int length;
  private final AutoCloseable owner;
  private ByteBuffer[] data;

  KvCache(OnnxTensor[] tensors, int rows, int length, AutoCloseable owner) {
    this.tensors = tensors;
    this.rows = rows;
    this.length = length;
    this.owner = owner;
  }

  /** A zero-length past for the first step, as optimum and transformers.js feed it. */
  static KvCache empty(DecoderGraph graph, int rows) throws OrtException {
    OnnxTensor[] tensors = new OnnxTensor[graph.pastNames.size()];
    for (int i = 0; i < tensors.length; i++) {
      long[] shape = {rows, graph.pastHeads[i], 0, graph.pastHeadDims[i]};
      tensors[i] = OnnxTensor.createTensor(OnnxSessions.environment(), ByteBuffer.allocateDirect(0), shape,
          graph.pastType);
    }
    return new KvCache(tensors, rows, 0, null);
  }

  /**
   * A new cache made of the given rows, right-aligned so that its length is the longest valid
   * length among them; the sources are left untouched.
   */
  static KvCache gather(DecoderGraph graph, List<Slice> slices) throws OrtException {
    int length = slices.stream().mapToInt(Slice::valid).max().orElse(0);
    int rows = slices.size();
    OrtEnvironment env = OnnxSessions.environment();
    OnnxTensor[] tensors = new OnnxTensor[graph.pastNames.size()];
    int bytes = graph.pastType.size;
    Map<KvCache, ByteBuffer[]> sources = new IdentityHashMap<>();
    for (Slice slice : slices) {
      sources.computeIfAbsent(slice.source(), KvCache::data);
    }
    for (int t = 0; t < tensors.length; t++) {
      int heads = (int) graph.pastHeads[t];
      int dim = (int) graph.pastHeadDims[t];
      ByteBuffer target = ByteBuffer.allocateDirect(bytes * rows * heads * length * dim).order(ByteOrder.nativeOrder());
      for (int r = 0; r < rows; r++) {
        Slice slice = slices.get(r);
        ByteBuffer source = sources.get(slice.source())[t];
        int sourceLength = slice.source().length;
        for (int h = 0; h < heads; h++) {
          int from = ((slice.row() * heads + h) * sourceLength + sourceLength - slice.valid()) * dim;
          int to = ((r * heads + h) * length + length - slice.valid()) * dim;
          target.put(to * bytes, source, from * bytes, slice.valid() * dim * bytes);
        }
      }
      tensors[t] = OnnxTensor.createTensor(env, target, new long[] {rows, heads, length, dim}, graph.pastType);
    }
    return new KvCache(tensors, rows, length, null);
  }

  private ByteBuffer[] data() {
    if (data == null) {
      data = new ByteBuffer[tensors.length];
      for (int i = 0; i < tensors.length; i++) {
        data[i] = tensors[i].getByteBuffer();
      }
    }
    return data;
  }

  @Override
  public void close() {
    if (owner != null) {
      try {
        owner.close();
      } catch (Exception e) {
        throw new IllegalStateException("cannot release KV cache", e);
      }
    } else {
      for (OnnxTensor tensor : tensors) {
        tensor.close();
      }
    }
  }
}
