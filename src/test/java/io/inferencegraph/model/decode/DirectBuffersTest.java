package io.inferencegraph.model.decode;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static io.inferencegraph.model.decode.DirectMemory.MB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@DisplayName("Direct buffers go back to the OS when freed, and the logits scratch grows by half again up to its usual maximum")
class DirectBuffersTest {
  @Test
  @DisplayName("a freed buffer's memory is given back at once, not at the next garbage collection")
  void freeGivesMemoryBack() {
    long before = DirectMemory.used();
    ByteBuffer buffer = DirectBuffers.allocate((int) (64 * MB));
    assertThat(buffer.isDirect()).isTrue();
    assertThat(buffer.order()).isEqualTo(ByteOrder.nativeOrder());
    assertThat(buffer.capacity()).isEqualTo(64 * MB);
    assertThat(DirectMemory.used() - before).isCloseTo(64 * MB, within(8 * MB));
    DirectBuffers.free(buffer);
    assertThat(DirectMemory.used() - before).isLessThan(8 * MB);
  }

  @Test
  @DisplayName("no bytes give the shared empty buffer, which freeing leaves usable; a view is left to the GC")
  void emptyAndViews() {
    assertThat(DirectBuffers.allocate(0)).isSameAs(DirectBuffers.EMPTY);
    DirectBuffers.free(DirectBuffers.EMPTY);
    assertThat(DirectBuffers.EMPTY.slice(0, 0).capacity()).isZero();
    ByteBuffer buffer = DirectBuffers.allocate(16);
    DirectBuffers.free(buffer.slice(0, 8)); // not the original: ignored
    buffer.putLong(8, 42);
    assertThat(buffer.getLong(8)).isEqualTo(42);
  }

  @Test
  @DisplayName("the scratch keeps its buffer while a step fits, else grows by half again, capped at its usual maximum, or to exactly the need")
  void scratchGrowth() {
    LogitsScratch scratch = new LogitsScratch(200);
    scratch.floats(100); // first use: exactly the need
    assertThat(keeps(scratch, 100, 100)).isTrue();
    assertThat(keeps(scratch, 100, 101)).as("101 > 100: grows to 150").isFalse();
    assertThat(keeps(scratch, 101, 150)).as("150 fits").isTrue();
    assertThat(keeps(scratch, 150, 151)).as("grows to the usual maximum 200, not 225").isFalse();
    assertThat(keeps(scratch, 151, 200)).isTrue();
    assertThat(keeps(scratch, 200, 201)).as("past the usual maximum: exactly the need").isFalse();
    assertThat(keeps(scratch, 201, 201)).isTrue();
    assertThat(keeps(scratch, 201, 202)).isFalse();
  }

  @Test
  @DisplayName("a scratch that grows frees the buffer it replaces at once")
  void scratchFreesWhatItReplaces() {
    long before = DirectMemory.used();
    LogitsScratch scratch = new LogitsScratch(16 * MB);
    scratch.floats((int) (10 * MB)); // 40 MB
    assertThat(DirectMemory.used() - before).isCloseTo(40 * MB, within(8 * MB));
    FloatBuffer grown = scratch.floats((int) (10 * MB) + 1); // 64 MB, the 40 MB freed
    assertThat(grown.capacity()).isEqualTo(10 * MB + 1);
    assertThat(DirectMemory.used() - before).isCloseTo(64 * MB, within(8 * MB));
  }

  /**
   * Whether {@code floats(count)} returns a view of the same memory as the last call, which asked
   * for {@code previous} floats: a value written through the old view is still there.
   */
  private static boolean keeps(LogitsScratch scratch, int previous, int count) {
    FloatBuffer before = scratch.floats(previous);
    before.put(previous - 1, 7f);
    FloatBuffer after = scratch.floats(count);
    assertThat(after.capacity()).isEqualTo(count);
    assertThat(after.isDirect()).isTrue();
    return after.get(previous - 1) == 7f;
  }
}
