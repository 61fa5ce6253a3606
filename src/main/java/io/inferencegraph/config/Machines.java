package io.inferencegraph.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** This machine as the sizing rule sees it: the cores the JVM may use, the memory it may still take. */
public final class Machines {
  private Machines() {}

  /**
   * {@code availableProcessors} (which honours container CPU limits and affinity, so {@code taskset}
   * too); memory: the lesser of /proc/meminfo's MemAvailable and the cgroup's limit less its use (at
   * a reload the models already loaded count as used); the JVM's heap limit where neither can be read.
   */
  public static Sizing.Machine current() {
    long memory = Math.min(memAvailable(), cgroupFree());
    if (memory == Long.MAX_VALUE) {
      memory = Runtime.getRuntime().maxMemory();
    }
    return new Sizing.Machine(Runtime.getRuntime().availableProcessors(), memory);
  }

  private static long memAvailable() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemAvailable:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: fall through
    }
    return Long.MAX_VALUE;
  }

  private static long cgroupFree() {
    try {
      List<String> max = Files.readAllLines(Path.of("/sys/fs/cgroup/memory.max"));
      List<String> current = Files.readAllLines(Path.of("/sys/fs/cgroup/memory.current"));
      if (max.isEmpty() || max.get(0).trim().equals("max")) {
        return Long.MAX_VALUE;
      }
      return Long.parseLong(max.get(0).trim()) - Long.parseLong(current.get(0).trim());
    } catch (IOException | RuntimeException e) {
      return Long.MAX_VALUE;
    }
  }
}
