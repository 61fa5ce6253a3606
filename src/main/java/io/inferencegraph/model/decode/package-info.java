/**
 * The decode engine: a causal decoder's ONNX graph in each export layout, and a batch of sequences
 * stepped together over a KV cache kept in reused direct buffers, rows joining and leaving between
 * steps. Its public surface is {@link io.inferencegraph.model.decode.DecodeBatch} and a read-only
 * {@link io.inferencegraph.model.decode.Sequence}.
 */
package io.inferencegraph.model.decode;

