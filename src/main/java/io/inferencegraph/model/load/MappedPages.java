package io.inferencegraph.model.load;

import com.sun.jna.Function;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.nio.MappedByteBuffer;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives back the pages of a read-only file mapping that this process holds resident, with
 * madvise(MADV_DONTNEED) on Linux. A session opened from a cached graph reads every weight from the
 * mapping once, to pre-pack the matrices into memory of its own; those pages would then count in the
 * process's resident memory twice over. After the call the file's data stays in the page cache, and
 * a page read again (weights that are not pre-packed, the graph's structure) is mapped back in.
 */
final class MappedPages {
  private static final Logger LOG = LoggerFactory.getLogger(MappedPages.class);
  private static final int MADV_DONTNEED = 4; // Linux, every architecture
  private static final Optional<Function> MADVISE = madvise();

  private MappedPages() {}

  /** True when the pages were given back; false where madvise is not available or refuses. */
  static boolean release(MappedByteBuffer mapping) {
    if (MADVISE.isEmpty() || mapping.capacity() == 0) {
      return false;
    }
    int result = MADVISE.get().invokeInt(new Object[] {
        Native.getDirectBufferPointer(mapping), (long) mapping.capacity(), MADV_DONTNEED});
    if (result != 0) {
      LOG.debug("madvise(MADV_DONTNEED) failed: errno {}", Native.getLastError());
    }
    return result == 0;
  }

  private static Optional<Function> madvise() {
    if (!System.getProperty("os.name", "").startsWith("Linux")) {
      return Optional.empty();
    }
    try {
      return Optional.of(NativeLibrary.getInstance("c").getFunction("madvise"));
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return Optional.empty();
    }
  }
}
