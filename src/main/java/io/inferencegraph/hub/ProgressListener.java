package io.inferencegraph.hub;

import java.io.PrintStream;

/** Progress of one pull, file by file; called from the download threads, so implementations are thread-safe. */
public interface ProgressListener {
  /** A download begins; {@code totalBytes} is -1 when the Hub did not say. */
  void started(String path, long totalBytes);

  /** {@code bytesNow} of the file are on disk (counting bytes kept from an earlier, interrupted try). */
  void advanced(String path, long bytesNow);

  /** The file is verified and in the cache. */
  void finished(String path);

  /** A file already in the cache, not downloaded again. */
  default void cached(String path) {}

  /** One line for the user about the pull as a whole (the cache used for want of the Hub, a wait for a lock). */
  default void note(String line) {}

  static ProgressListener silent() {
    return new ProgressListener() {
      @Override
      public void started(String path, long totalBytes) {}

      @Override
      public void advanced(String path, long bytesNow) {}

      @Override
      public void finished(String path) {}
    };
  }

  /**
   * Prints to {@code out}: on a terminal one redrawn line (bytes, rate, ETA), else a plain line every few seconds,
   * plus a line per finished file.
   */
  static ProgressListener console(PrintStream out, boolean terminal) {
    return new ConsoleProgress(out, terminal, System::nanoTime);
  }
}
