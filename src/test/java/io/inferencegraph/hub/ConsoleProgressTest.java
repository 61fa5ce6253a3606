package io.inferencegraph.hub;

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

  private String text() {
    return printed.toString(StandardCharsets.UTF_8);
  }
}
