package io.inferencegraph.model.decode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a small ONNX graph with the inputs and outputs a test names, for decoder signatures that
 * the fixture models do not have (a missing input, an int32 logits output, ...). Each output comes
 * from a Constant node of zeros, so ONNX Runtime loads the graph as it would a real export, but
 * its shape inference then reports an output's symbolic dims as the constant's 1. The file is the
 * ONNX protobuf wire format, written by hand since no ONNX library is on the classpath.
 */
final class OnnxGraphWriter {
  static final int FLOAT = 1;
  static final int INT32 = 6;
  static final int INT64 = 7;
  static final int BOOL = 9;
  static final int FLOAT16 = 10;

  /** A graph input or output: its element type and dims, each a Long (fixed) or a String (symbolic). */
  record Value(String name, int type, Object... dims) {}

  private final List<Value> inputs = new ArrayList<>();
  private final List<Value> outputs = new ArrayList<>();

  OnnxGraphWriter input(String name, int type, Object... dims) {
    inputs.add(new Value(name, type, dims));
    return this;
  }

  OnnxGraphWriter output(String name, int type, Object... dims) {
    outputs.add(new Value(name, type, dims));
    return this;
  }

  /** GPT-2's input_ids and attention_mask, int64 [batch, sequence] and [batch, total]. */
  OnnxGraphWriter tokenInputs() {
    return input(DecoderSignature.INPUT_IDS, INT64, "batch", "sequence")
        .input(DecoderSignature.ATTENTION_MASK, INT64, "batch", "total");
  }

  Path write(Path file) {
    Proto graph = new Proto().string(2, "synthetic");
    for (Value output : outputs) {
      graph.message(1, constantNode(output));
    }
    inputs.forEach(input -> graph.message(11, valueInfo(input)));
    outputs.forEach(output -> graph.message(12, valueInfo(output)));
    Proto model = new Proto().varint(1, 8).string(2, "OnnxGraphWriter").message(7, graph)
        .message(8, new Proto().string(1, "").varint(2, 17));
    try {
      Files.createDirectories(file.getParent());
      return Files.write(file, model.bytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Constant(value = zeros of the output's type, symbolic dims taken as 1) → output. */
  private static Proto constantNode(Value output) {
    Proto tensor = new Proto();
    long elements = 1;
    for (Object dim : output.dims()) {
      long size = dim instanceof Long fixed ? fixed : 1L;
      tensor.varint(1, size);
      elements *= size;
    }
    tensor.varint(2, output.type()).bytes(9, new byte[(int) (elements * elementSize(output.type()))]);
    Proto attribute = new Proto().string(1, "value").message(5, tensor).varint(20, 4); // AttributeType.TENSOR
    return new Proto().string(2, output.name()).string(3, output.name() + "_constant").string(4, "Constant")
        .message(5, attribute);
  }

  private static Proto valueInfo(Value value) {
    Proto shape = new Proto();
    for (Object dim : value.dims()) {
      shape.message(1, dim instanceof Long fixed ? new Proto().varint(1, fixed) : new Proto().string(2, (String) dim));
    }
    Proto tensorType = new Proto().varint(1, value.type()).message(2, shape);
    return new Proto().string(1, value.name()).message(2, new Proto().message(1, tensorType));
  }

  private static int elementSize(int type) {
    return switch (type) {
      case INT64 -> 8;
      case FLOAT, INT32 -> 4;
      case FLOAT16 -> 2;
      case BOOL -> 1;
      default -> throw new IllegalArgumentException("element type " + type);
    };
  }

  /** One protobuf message being written: fields appended in order. */
  private static final class Proto {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Proto varint(int field, long value) {
      writeVarint((long) field << 3);
      writeVarint(value);
      return this;
    }

    Proto string(int field, String value) {
      return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    Proto message(int field, Proto message) {
      return bytes(field, message.bytes());
    }

    Proto bytes(int field, byte[] value) {
      writeVarint((long) field << 3 | 2);
      writeVarint(value.length);
      out.writeBytes(value);
      return this;
    }

    byte[] bytes() {
      return out.toByteArray();
    }

    private void writeVarint(long value) {
      while ((value & ~0x7fL) != 0) {
        out.write((int) (value & 0x7f) | 0x80);
        value >>>= 7;
      }
      out.write((int) value);
    }
  }
}
