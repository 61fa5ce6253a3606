package io.inferencegraph.hub;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

/** What a person sees while a pull runs, on a clock the test moves. */
class ConsoleProgressTest {
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
  private final AtomicLong nanos = new AtomicLong();

  @Test
  @DisplayName("on a terminal one line is redrawn with bytes, rate and ETA")
  void terminal() {
    ConsoleProgress progress = new ConsoleProgress(out, true, nanos::get);
    progress.started("onnx/model.onnx", 4_000_000);
    nanos.set(1_000_000_000L);
    progress.advanced("onnx/model.onnx", 1_000_000);

    assertThat(text()).isEqualTo("\r[######------------------]  25% 1.0 MB / 4.0 MB  1.0 MB/s  ETA 0:03\033[K");
  }

  @Test
  @DisplayName("in a log a plain line comes every few seconds, and one line per finished file")
  void log() {
    ConsoleProgress progress = new ConsoleProgress(out, false, nanos::get);
    progress.started("config.json", 2_000);
    nanos.set(1_000_000_000L);
    progress.advanced("config.json", 1_000);
    assertThat(text()).isEmpty();
    nanos.set(6_000_000_000L);
    progress.advanced("config.json", 2_000);
    progress.finished("config.json");

    assertThat(text().lines()).containsExactly("[########################] 100% 2.0 kB / 2.0 kB  333 B/s  ETA 0:00",
        "fetched config.json (2.0 kB)");
  }

  @Test
  @DisplayName("the rate counts from the first file started, also when the clock did not start at zero")
  void rateFromFirstStart() {
    ConsoleProgress fromZero = new ConsoleProgress(out, false, nanos::get);
    fromZero.started("a", 4_000_000);
    nanos.set(1_000_000_000L);
    fromZero.started("b", 4_000_000);
    nanos.set(2_000_000_000L);
    fromZero.advanced("a", 2_000_000);

    assertThat(fromZero.status(nanos.get())).isEqualTo("[######------------------]  25% 2.0 MB / 8.0 MB  1.0 MB/s  ETA 0:06");

    nanos.set(10_000_000_000L);
    ConsoleProgress later = new ConsoleProgress(out, false, nanos::get);
    later.started("a", 4_000_000);
    nanos.set(11_000_000_000L);
    later.advanced("a", 1_000_000);
    assertThat(text()).isEmpty();
    nanos.set(15_000_000_000L); // exactly five seconds after the start: a log line is due
    later.advanced("a", 2_000_000);

    assertThat(text()).isEqualTo("[############------------]  50% 2.0 MB / 4.0 MB  400.0 kB/s  ETA 0:05"
        + System.lineSeparator());
  }

  @Test
  @DisplayName("each line reaches the stream at once, even a buffered one that is never flushed by its owner")
  void flushes() {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    PrintStream buffered = new PrintStream(new BufferedOutputStream(raw, 8192), false, StandardCharsets.UTF_8);
    ConsoleProgress progress = new ConsoleProgress(buffered, true, nanos::get);
    progress.started("config.json", 2_000);
    nanos.set(1_000_000_000L);

    progress.advanced("config.json", 1_000);
    assertThat(raw.toString(StandardCharsets.UTF_8)).contains("1.0 kB / 2.0 kB");
    progress.finished("config.json");
    assertThat(raw.toString(StandardCharsets.UTF_8)).contains("fetched config.json (2.0 kB)");
  }

  @Test
  @DisplayName("a cached file gets a line of its own")
  void cached() {
    ProgressListener.console(out, false).cached("config.json");

    assertThat(text()).isEqualTo("config.json is already in the cache" + System.lineSeparator());
  }

  @Test
  @DisplayName("while any file's size is unknown, no total, share or ETA is shown; an empty file has a total but no share")
  void unknownAndEmptyTotals() {
    ConsoleProgress progress = new ConsoleProgress(out, false, nanos::get);
    progress.started("a", 1_000);
    nanos.set(1_000_000_000L);
    progress.advanced("b", 500); // never started: size unknown

    assertThat(progress.status(nanos.get())).isEqualTo("[------------------------] 500 B  500 B/s");

    ConsoleProgress empty = new ConsoleProgress(out, false, nanos::get);
    empty.started("empty", 0);
    assertThat(empty.status(nanos.get() + 1_000_000_000L)).isEqualTo("[------------------------] 0 B / 0 B  0 B/s");
  }

  @Test
  @DisplayName("an ETA of an hour or more shows hours, minutes and seconds")
  void hoursOfEta() {
    assertThat(etaAfterOneSecond(1_000 + 3_723_000)).isEqualTo("ETA 1:02:03");
    assertThat(etaAfterOneSecond(1_000 + 3_600_000)).isEqualTo("ETA 1:00:00");
    assertThat(etaAfterOneSecond(1_000 + 3_599_000)).isEqualTo("ETA 59:59");
  }

  @Test
  @DisplayName("sizes switch unit at each thousand and stop at TB")
  void sizes() {
    assertThat(ConsoleProgress.bytes(999)).isEqualTo("999 B");
    assertThat(ConsoleProgress.bytes(1_000)).isEqualTo("1.0 kB");
    assertThat(ConsoleProgress.bytes(1_000_000)).isEqualTo("1.0 MB");
    assertThat(ConsoleProgress.bytes(2_500_000_000L)).isEqualTo("2.5 GB");
    assertThat(ConsoleProgress.bytes(10_000_000_000_000_000L)).isEqualTo("10000.0 TB");
  }

  /** The ETA shown when 1,000 of {@code total} bytes came in the first second. */
  private String etaAfterOneSecond(long total) {
    nanos.set(0);
    ConsoleProgress progress = new ConsoleProgress(out, false, nanos::get);
    progress.started("big", total);
    progress.advanced("big", 1_000);
    String status = progress.status(1_000_000_000L);
    return status.substring(status.indexOf("ETA"));
  }

  private String text() {
    return printed.toString(StandardCharsets.UTF_8);
  }
}
