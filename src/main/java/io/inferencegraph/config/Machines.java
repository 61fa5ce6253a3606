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
    long memory = Math.min(memAvailable(Path.of("/proc/meminfo")), cgroupFree(Path.of("/sys/fs/cgroup")));
    if (memory == Long.MAX_VALUE) {
      memory = Runtime.getRuntime().maxMemory();
    }
    return new Sizing.Machine(Runtime.getRuntime().availableProcessors(), memory);
  }

  /** MemAvailable of {@code meminfo} in bytes; Long.MAX_VALUE where it cannot be read. */
  static long memAvailable(Path meminfo) {
    try {
      for (String line : Files.readAllLines(meminfo)) {
        if (line.startsWith("MemAvailable:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: fall through
    }
    return Long.MAX_VALUE;
  }

  /** A cgroup v2 directory's memory.max less its memory.current; Long.MAX_VALUE with no limit or no files. */
  static long cgroupFree(Path cgroup) {
    try {
      List<String> max = Files.readAllLines(cgroup.resolve("memory.max"));
      List<String> current = Files.readAllLines(cgroup.resolve("memory.current"));
      if (max.isEmpty() || max.get(0).trim().equals("max")) {
        return Long.MAX_VALUE;
      }
      return Long.parseLong(max.get(0).trim()) - Long.parseLong(current.get(0).trim());
    } catch (IOException | RuntimeException e) {
      return Long.MAX_VALUE;
    }
  }
}
