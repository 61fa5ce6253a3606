package io.inferencegraph;

import com.sun.jna.Memory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@DisplayName("glibc's malloc through JNA: freed pages stay resident until malloc_trim gives them back")
class NativeHeapTest {
  private static final int BLOCK = 64 * 1024; // below glibc's mmap threshold: served from an arena
  private static final int BLOCKS = 2048; // 128 MiB

  @Test
  @DisplayName("on Linux the C library is glibc and malloc_trim returns freed arena pages to the OS")
  void trimGivesFreedPagesBack() {
    assumeTrue(System.getProperty("os.name").startsWith("Linux"), "glibc is what Linux servers run");
    NativeHeap heap = NativeHeap.glibc().orElseThrow(() -> new AssertionError("glibc not found through JNA"));
    heap.trim();
    List<Memory> blocks = new ArrayList<>();
    for (int i = 0; i < BLOCKS; i++) {
      Memory block = new Memory(BLOCK); // malloc'd by JNA
      block.clear(); // zeroed, so resident
      blocks.add(block);
    }
    Memory fence = blocks.remove(blocks.size() - 1); // keeps the freed blocks below the arena's top
    blocks.forEach(Memory::close);
    long freed = NativeHeap.residentBytes();
    assertThat(heap.trim()).isTrue();
    long trimmed = NativeHeap.residentBytes();
    fence.close();
    assertThat(freed - trimmed).as("resident bytes given back (of 128 MiB freed)").isGreaterThan(64L << 20);
  }
}
