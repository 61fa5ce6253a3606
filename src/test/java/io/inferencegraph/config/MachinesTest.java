package io.inferencegraph.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The machine the sizing rule sees: the JVM's cores and the memory Linux says is still available")
class MachinesTest {

  /** MemAvailable from /proc/meminfo, in bytes; the cgroup limit less its use where a limit is set. */
  private static long available() throws Exception {
    long memory = Long.MAX_VALUE;
    for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
      if (line.startsWith("MemAvailable:")) {
        memory = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
      }
    }
    Path max = Path.of("/sys/fs/cgroup/memory.max");
    if (Files.isReadable(max) && !Files.readString(max).trim().equals("max")) {
      long free = Long.parseLong(Files.readString(max).trim())
          - Long.parseLong(Files.readString(Path.of("/sys/fs/cgroup/memory.current")).trim());
      memory = Math.min(memory, free);
    }
    return memory == Long.MAX_VALUE ? Runtime.getRuntime().maxMemory() : memory;
  }

  private static long memTotal() throws Exception {
    return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(line -> line.startsWith("MemTotal:"))
        .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", "")) * 1024).findFirst().orElseThrow();
  }

  @Test
  @DisplayName("cores are availableProcessors; memory is MemAvailable (or the cgroup's room), give or take other work")
  void current() throws Exception {
    long before = available();
    Sizing.Machine machine = Machines.current();
    long after = available();
    assertThat(machine.cores()).isEqualTo(Runtime.getRuntime().availableProcessors());
    // other processes allocate meanwhile: a factor of two either way still tells kB from bytes and MB
    assertThat(machine.memoryBytes()).as("available, not total").isLessThan(memTotal());
    assertThat(machine.memoryBytes()).isBetween(Math.min(before, after) / 2, Math.max(before, after) * 2);
  }

  @Test
  @DisplayName("MemAvailable is in kB; a cgroup's room is its limit less its use, none where it says max or has no files")
  void sources(@TempDir Path dir) throws Exception {
    Path meminfo = Files.writeString(dir.resolve("meminfo"), "MemTotal:  8000 kB\nMemFree:  100 kB\n"
        + "MemAvailable:  3000 kB\n");
    assertThat(Machines.memAvailable(meminfo)).isEqualTo(3000 * 1024L);
    assertThat(Machines.memAvailable(Files.writeString(dir.resolve("other"), "MemTotal:  8000 kB\n")))
        .isEqualTo(Long.MAX_VALUE);
    assertThat(Machines.memAvailable(dir.resolve("none"))).isEqualTo(Long.MAX_VALUE);
    assertThat(Machines.cgroupFree(dir)).isEqualTo(Long.MAX_VALUE);
    Files.writeString(dir.resolve("memory.current"), "1000\n");
    Files.writeString(dir.resolve("memory.max"), "max\n");
    assertThat(Machines.cgroupFree(dir)).isEqualTo(Long.MAX_VALUE);
    Files.writeString(dir.resolve("memory.max"), "");
    assertThat(Machines.cgroupFree(dir)).isEqualTo(Long.MAX_VALUE);
    Files.writeString(dir.resolve("memory.max"), " 4096\n");
    assertThat(Machines.cgroupFree(dir)).isEqualTo(3096);
  }
}
