package io.inferencegraph.hub;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/** Pull progress for people: one redrawn bar on a terminal, a plain line every few seconds in a log. */
final class ConsoleProgress implements ProgressListener {
  private static final long REDRAW_NANOS = 100_000_000L;
  private static final long LOG_NANOS = 5_000_000_000L;
  private static final int BAR = 24;

  private final PrintStream out;
  private final boolean terminal;
  private final LongSupplier clock;
  private final Map<String, long[]> files = new LinkedHashMap<>(); // path -> {total, now}
  private long received;
  private long startNanos = -1;
  private long lastPrintNanos;

  ConsoleProgress(PrintStream out, boolean terminal, LongSupplier clock) {
    this.out = out;
    this.terminal = terminal;
    this.clock = clock;
  }

  @Override
  public synchronized void started(String path, long totalBytes) {
    if (startNanos < 0) {
      startNanos = clock.getAsLong();
      lastPrintNanos = startNanos;
    }
    files.put(path, new long[] {totalBytes, 0});
  }

  @Override
  public synchronized void advanced(String path, long bytesNow) {
    long[] file = files.computeIfAbsent(path, p -> new long[] {-1, 0});
    received += Math.max(0, bytesNow - file[1]); // bytes kept from an earlier try are not counted as received now
    file[1] = bytesNow;
    long now = clock.getAsLong();
    if (now - lastPrintNanos >= (terminal ? REDRAW_NANOS : LOG_NANOS)) {
      lastPrintNanos = now;
      out.print(terminal ? "\r" + status(now) + "\033[K" : status(now) + System.lineSeparator());
      out.flush();
    }
  }

  @Override
  public synchronized void finished(String path) {
    long[] file = files.getOrDefault(path, new long[] {-1, 0});
    line("fetched " + path + " (" + bytes(Math.max(file[0], file[1])) + ")");
  }

  @Override
  public synchronized void cached(String path) {
    line(path + " is already in the cache");
  }

  @Override
  public synchronized void note(String text) {
    line(text);
  }

  private void line(String text) {
    out.print(terminal ? "\r\033[K" + text + System.lineSeparator() + "\r" + status(clock.getAsLong()) + "\033[K"
        : text + System.lineSeparator());
    out.flush();
  }

  /** "[#####-----]  45% 12.3 MB / 27.1 MB  3.4 MB/s  ETA 0:05" over every file started so far. */
  String status(long now) {
    long total = 0;
    long done = 0;
    boolean totalKnown = true;
    for (long[] file : files.values()) {
      totalKnown &= file[0] >= 0;
      total += Math.max(file[0], 0);
      done += file[1];
    }
    double seconds = Math.max(1e-3, (now - Math.max(startNanos, 0)) / 1e9);
    double rate = received / seconds;
    String eta = totalKnown && rate > 0 ? "  ETA " + duration((long) ((total - done) / rate)) : "";
    String share = totalKnown && total > 0 ? String.format(Locale.ROOT, "%3d%% ", done * 100 / total) : "";
    return bar(totalKnown && total > 0 ? (double) done / total : 0) + " " + share + bytes(done)
        + (totalKnown ? " / " + bytes(total) : "") + "  " + bytes((long) rate) + "/s" + eta;
  }

  private static String bar(double fraction) {
    int filled = (int) Math.round(Math.min(1, fraction) * BAR);
    return "[" + "#".repeat(filled) + "-".repeat(BAR - filled) + "]";
  }

  static String bytes(long count) {
    if (count < 1000) {
      return count + " B";
    }
    String[] units = {"kB", "MB", "GB", "TB"};
    double value = count;
    int unit = -1;
    while (value >= 1000 && unit < units.length - 1) {
      value /= 1000;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }

  private static String duration(long seconds) {
    return seconds >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
        : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
  }
}
