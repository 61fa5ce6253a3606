package io.inferencegraph.model.decode;

import ai.onnxruntime.OnnxTensor;
import io.inferencegraph.model.Fixtures;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static io.inferencegraph.model.decode.DirectMemory.MB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

@DisplayName("A KV cache holds one direct buffer per past input, grows to its reservation once, copies rows natively and frees what it drops")
class KvCacheTest {
  // gpt2-tiny: 3 layers × key and value, 4 heads of 16 floats
  private static final int TENSORS = 6;
  private static final int HEADS = 4;
  private static final int DIM = 16;
  private static final long PER_SLOT = TENSORS * HEADS * DIM * Float.BYTES;

  private static DecoderGraph graph;

  @BeforeAll
  static void open() {
    graph = DecoderGraphTest.open(Fixtures.decoder("gpt2-tiny"), "onnx/model.onnx");
  }

  @AfterAll
  static void close() throws Exception {
    graph.close();
  }

  @Test
  @DisplayName("bytes follow the shape; buffers grow only past their capacity, to the reserved slots at once, and never shrink")
  void growsToTheReservationOnce() {
    try (KvCache cache = new KvCache(graph)) {
      cache.reshape(2, 3);
      assertThat(cache.rows()).isEqualTo(2);
      assertThat(cache.length()).isEqualTo(3);
      assertThat(cache.bytes()).isEqualTo(6 * PER_SLOT);
      assertThat(cache.capacityBytes()).as("nothing reserved: exactly the shape").isEqualTo(6 * PER_SLOT);

      cache.reserve(20);
      cache.reshape(3, 2);
      assertThat(cache.capacityBytes()).as("the same slots fit: no new buffer").isEqualTo(6 * PER_SLOT);
      cache.reshape(2, 4);
      assertThat(cache.capacityBytes()).as("outgrown: to the 20 reserved slots").isEqualTo(20 * PER_SLOT);
      cache.reshape(1, 2);
      assertThat(cache.bytes()).isEqualTo(2 * PER_SLOT);
      assertThat(cache.capacityBytes()).as("never shrinks").isEqualTo(20 * PER_SLOT);
      cache.reshape(5, 5);
      assertThat(cache.capacityBytes()).as("past the reservation: exactly the shape").isEqualTo(25 * PER_SLOT);
    }
  }

  @Test
  @DisplayName("a shape over 2 GB per tensor is refused")
  void refusesOver2GbPerTensor() {
    try (KvCache cache = new KvCache(graph)) {
      int rows = (int) (Integer.MAX_VALUE / (HEADS * DIM * Float.BYTES)) + 1;
      assertThatThrownBy(() -> cache.reshape(rows, 1)).isInstanceOf(IllegalStateException.class)
          .hasMessage("KV cache of " + rows + " rows × 1 tokens exceeds 2 GB per tensor");
    }
  }

  @Test
  @DisplayName("growing frees the buffers it replaces at once, and close frees the rest")
  void freesWhatItDrops() {
    long before = DirectMemory.used();
    try (KvCache cache = new KvCache(graph)) {
      cache.reserve(50_000); // 73 MB
      cache.reshape(1, 1);
      assertThat(DirectMemory.used() - before).isCloseTo(50_000 * PER_SLOT, within(8 * MB));
      cache.reshape(1, 60_000); // 88 MB, the 73 MB freed
      assertThat(cache.capacityBytes()).isEqualTo(60_000 * PER_SLOT);
      assertThat(DirectMemory.used() - before).isCloseTo(60_000 * PER_SLOT, within(8 * MB));
      cache.close();
      assertThat(cache.capacityBytes()).isZero();
      assertThat(cache.rows()).isZero();
      assertThat(cache.length()).isZero();
      assertThat(DirectMemory.used() - before).isLessThan(8 * MB);
    }
  }

  @Test
  @DisplayName("its tensors view the buffers in the current shape and are closed by the next reshape or by close")
  void tensorsLiveUntilTheNextReshape() throws Exception {
    try (KvCache cache = new KvCache(graph)) {
      OnnxTensor[] first = cache.reshape(2, 3).tensors();
      assertThat(first).hasSize(TENSORS);
      assertThat(cache.tensors()).as("the same views until the shape changes").isSameAs(first);
      assertThat(first[0].getInfo().getShape()).containsExactly(2, HEADS, 3, DIM);
      OnnxTensor[] second = cache.reshape(1, 4).tensors();
      assertThat(first).allMatch(OnnxTensor::isClosed);
      assertThat(second).noneMatch(OnnxTensor::isClosed);
      assertThat(second[5].getInfo().getShape()).containsExactly(1, HEADS, 4, DIM);
      cache.close();
      assertThat(second).allMatch(OnnxTensor::isClosed);
    }
  }

  @Test
  @DisplayName("gather copies each row's valid tail, right-aligned to the longest, in the order asked")
  void gatherRightAligns() throws Exception {
    try (KvCache source = new KvCache(graph); KvCache target = new KvCache(graph)) {
      OnnxTensor[] views = source.reshape(2, 4).tensors();
      for (int t = 0; t < TENSORS; t++) {
        FloatBuffer values = floats(views[t]);
        for (int i = 0; i < values.capacity(); i++) {
          values.put(i, t * 10_000 + i); // element i of [row, head, position, dim]
        }
      }
      // row 0 of the target: source row 1's last 2 positions; row 1: source row 0's last 3
      target.gather(List.of(new KvCache.Slice(source, 1, 2), new KvCache.Slice(source, 0, 3)));
      assertThat(target.rows()).isEqualTo(2);
      assertThat(target.length()).isEqualTo(3);
      OnnxTensor[] gathered = target.tensors();
      for (int t = 0; t < TENSORS; t++) {
        FloatBuffer values = floats(gathered[t]);
        for (int h = 0; h < HEADS; h++) {
          for (int d = 0; d < DIM; d++) {
            for (int p = 1; p < 3; p++) {
              assertThat(values.get(at(0, h, p, d, 3))).isEqualTo(t * 10_000 + at(1, h, p + 1, d, 4));
            }
            for (int p = 0; p < 3; p++) {
              assertThat(values.get(at(1, h, p, d, 3))).isEqualTo(t * 10_000 + at(0, h, p + 1, d, 4));
            }
          }
        }
      }
      assertThatThrownBy(() -> target.gather(List.of(new KvCache.Slice(target, 0, 1))))
          .isInstanceOf(IllegalArgumentException.class).hasMessage("a KV cache cannot gather from itself");
    }
  }

  /** The flat index of [row, head, position, dim] in a cache of the given length. */
  private static int at(int row, int head, int position, int dim, int length) {
    return ((row * HEADS + head) * length + position) * DIM + dim;
  }

  private static FloatBuffer floats(OnnxTensor tensor) {
    ByteBuffer bytes = (ByteBuffer) tensor.getBufferRef().orElseThrow();
    return bytes.order(ByteOrder.nativeOrder()).asFloatBuffer();
  }
}
