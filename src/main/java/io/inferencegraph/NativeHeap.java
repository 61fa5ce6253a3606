package io.inferencegraph;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * glibc's malloc, where ONNX Runtime's working memory and the JVM's direct buffers come from. Left
 * alone it keeps freed memory: one arena per contending thread (up to 8 per core), each holding the
 * peak of what its threads once used, and free pages inside an arena stay resident. On the
 * real-sized graph that was about 1.2 GB of a 5.7 GB process. {@link #limitArenas} caps the
 * arenas (glibc's M_ARENA_MAX, as the MALLOC_ARENA_MAX variable would) and {@link #trim} hands free
 * pages back to the OS (malloc_trim), which {@link #trimEvery} does in the background.
 */
public final class NativeHeap {
  private static final Logger LOG = LoggerFactory.getLogger(NativeHeap.class);
  private static final int M_ARENA_MAX = -8;

  private final Function mallopt;
  private final Function mallocTrim;

  private NativeHeap(NativeLibrary libc) {
    this.mallopt = libc.getFunction("mallopt");
    this.mallocTrim = libc.getFunction("malloc_trim");
  }

  /** This process's glibc, or empty on another C library or where JNA cannot load. */
  public static Optional<NativeHeap> glibc() {
    try {
      NativeLibrary libc = NativeLibrary.getInstance("c");
      libc.getFunction("gnu_get_libc_version"); // glibc only: musl has no such symbol
      return Optional.of(new NativeHeap(libc));
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * At most {@code arenas} malloc arenas from now on. glibc fixes the limit once it has made its
   * ninth arena, so call this before the process starts many threads.
   */
  public boolean limitArenas(int arenas) {
    return mallopt.invokeInt(new Object[] {M_ARENA_MAX, arenas}) == 1;
  }

  /** Gives every arena's free pages back to the OS; true if any memory was released. */
  public boolean trim() {
    return mallocTrim.invokeInt(new Object[] {new NativeLong(0)}) == 1;
  }

  /** Trims every {@code intervalMillis} on a daemon thread until the process ends. */
  public void trimEvery(long intervalMillis) {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "native-heap-trim");
      thread.setDaemon(true);
      return thread;
    });
    timer.scheduleWithFixedDelay(this::trimAndLog, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
  }

  private void trimAndLog() {
    long before = residentBytes();
    long start = System.nanoTime();
    trim();
    if (LOG.isDebugEnabled()) {
      LOG.debug("malloc_trim: resident {} -> {} MiB in {} ms", before >> 20, residentBytes() >> 20,
          (System.nanoTime() - start) / 1_000_000);
    }
  }

  /** Resident memory of this process (VmRSS), or -1 where /proc is missing. */
  public static long residentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /**
   * Applies the config's choice: {@code arenas} (0: glibc's default) and a trim every
   * {@code trimIntervalMillis} (0: never). Says in the log what it did, or why it could not.
   */
  public static void configure(int arenas, long trimIntervalMillis) {
    if (arenas == 0 && trimIntervalMillis == 0) {
      return;
    }
    Optional<NativeHeap> heap = glibc();
    if (heap.isEmpty()) {
      LOG.info("not glibc: malloc_arenas and malloc_trim_interval_ms have no effect");
      return;
    }
    if (arenas > 0 && !heap.get().limitArenas(arenas)) {
      LOG.warn("glibc refused mallopt(M_ARENA_MAX, {})", arenas);
    }
    if (trimIntervalMillis > 0) {
      heap.get().trimEvery(trimIntervalMillis);
    }
    LOG.info("glibc malloc: {} arenas, free pages returned every {} ms", arenas == 0 ? "default" : arenas,
        trimIntervalMillis);
  }
}
