package io.inferencegraph.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One line on where a benchmark ran, to print next to its figures. */
final class Machine {
  private Machine() {}

  static String describe() {
    Runtime runtime = Runtime.getRuntime();
    return String.format("%d cores (%s), %s %s, %s %s %s, max heap %d MB",
        runtime.availableProcessors(), cpuModel(),
        System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"),
        System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("os.arch"),
        runtime.maxMemory() >> 20);
  }

  private static String cpuModel() {
    try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines.filter(line -> line.startsWith("model name"))
          .map(line -> line.substring(line.indexOf(':') + 1).trim())
          .findFirst().orElse("unknown CPU");
    } catch (IOException | RuntimeException e) {
      return "unknown CPU";
    }
  }
}
