package io.inferencegraph.model.decode;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;

/**
 * Bytes of direct buffers the JVM holds now (the "direct" buffer pool), which a buffer freed through
 * {@link DirectBuffers#free} leaves at once and one left to the GC only after a collection. Other
 * code's garbage (ONNX Runtime's copies of heap inputs) may be freed at any moment, so tests compare
 * amounts in MB, far above that noise.
 */
final class DirectMemory {
  static final long MB = 1 << 20;

  private DirectMemory() {}

  static long used() {
    return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
        .filter(pool -> pool.getName().equals("direct"))
        .mapToLong(BufferPoolMXBean::getMemoryUsed)
        .sum();
  }
}
