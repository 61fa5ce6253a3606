package io.inferencegraph.model.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappedPagesTest {
  private static final int SIZE = 8 << 20;

  @Test
  void givesBackTheResidentPagesAndTheDataStaysReadable(@TempDir Path dir) throws IOException {
    assumeTrue(System.getProperty("os.name").startsWith("Linux"), "madvise and /proc/self/smaps are Linux's");
    byte[] data = new byte[SIZE];
    for (int i = 0; i < SIZE; i++) {
      data[i] = (byte) (i * 31 + 7);
    }
    Path file = Files.write(dir.resolve("graph.ort"), data);
    MappedByteBuffer mapping;
    try (FileChannel channel = FileChannel.open(file)) {
      mapping = channel.map(FileChannel.MapMode.READ_ONLY, 0, SIZE);
    }
    long sum = readAll(mapping);
    assertThat(residentKb(mapping)).as("every page read once").isGreaterThanOrEqualTo(SIZE / 1024 - 8);

    assertThat(MappedPages.release(mapping)).isTrue();
    assertThat(residentKb(mapping)).as("resident after release").isLessThan(64);

    assertThat(readAll(mapping)).as("the data read again from the file").isEqualTo(sum);
    assertThat(mapping.get(SIZE - 1)).isEqualTo(data[SIZE - 1]);
  }

  @Test
  void anEmptyMappingIsLeftAlone(@TempDir Path dir) throws IOException {
    Path file = Files.createFile(dir.resolve("empty.ort"));
    try (FileChannel channel = FileChannel.open(file)) {
      assertThat(MappedPages.release(channel.map(FileChannel.MapMode.READ_ONLY, 0, 0))).isFalse();
    }
  }

  private static long readAll(MappedByteBuffer mapping) {
    long sum = 0;
    for (int i = 0; i < mapping.capacity(); i++) {
      sum = sum * 31 + mapping.get(i);
    }
    return sum;
  }

  /** The Rss line of the mapping's region in /proc/self/smaps, in kB. */
  private static long residentKb(MappedByteBuffer mapping) throws IOException {
    long start = Pointer.nativeValue(Native.getDirectBufferPointer(mapping));
    List<String> lines = Files.readAllLines(Path.of("/proc/self/smaps"));
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int dash = line.indexOf('-');
      if (dash > 0 && line.indexOf(' ') > dash && isHex(line.substring(0, dash))
          && Long.parseUnsignedLong(line.substring(0, dash), 16) == start) {
        for (int j = i + 1; j < lines.size(); j++) {
          if (lines.get(j).startsWith("Rss:")) {
            return Long.parseLong(lines.get(j).replaceAll("[^0-9]", ""));
          }
        }
      }
    }
    throw new AssertionError("no region at " + Long.toHexString(start) + " in /proc/self/smaps");
  }

  private static boolean isHex(String s) {
    return !s.isEmpty() && s.chars().allMatch(c -> Character.digit(c, 16) >= 0);
  }
}
