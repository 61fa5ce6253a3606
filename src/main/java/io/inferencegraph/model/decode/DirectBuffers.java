package io.inferencegraph.model.decode;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Direct buffers that are given back to the OS when their owner is done, not when a garbage
 * collection happens to run: a KV cache that grows replaces buffers of hundreds of MB, and the JVM
 * frees a direct buffer only once the GC finds it unreachable, which a quiet Java heap may not do
 * for minutes. Freeing goes through {@code sun.misc.Unsafe.invokeCleaner} (module jdk.unsupported);
 * where that is missing, the buffer is left to the GC as usual.
 */
final class DirectBuffers {
  private static final Object UNSAFE;
  private static final Method INVOKE_CLEANER;

  static {
    Object unsafe = null;
    Method invokeCleaner = null;
    try {
      Class<?> type = Class.forName("sun.misc.Unsafe");
      Field field = type.getDeclaredField("theUnsafe");
      field.setAccessible(true);
      unsafe = field.get(null);
      invokeCleaner = type.getMethod("invokeCleaner", ByteBuffer.class);
    } catch (ReflectiveOperationException | RuntimeException e) {
      unsafe = null;
      invokeCleaner = null;
    }
    UNSAFE = unsafe;
    INVOKE_CLEANER = invokeCleaner;
  }

  private DirectBuffers() {}

  static final ByteBuffer EMPTY = ByteBuffer.allocateDirect(0).order(ByteOrder.nativeOrder());

  /** A zeroed direct buffer in native order. */
  static ByteBuffer allocate(int bytes) {
    return bytes == 0 ? EMPTY : ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
  }

  /**
   * Frees a buffer made by {@link #allocate} now. Nothing may use it, or any view of it, afterwards:
   * ONNX Runtime tensors over it must be closed first.
   */
  static void free(ByteBuffer buffer) {
    if (buffer == EMPTY || INVOKE_CLEANER == null) {
      return;
    }
    try {
      INVOKE_CLEANER.invoke(UNSAFE, buffer);
    } catch (ReflectiveOperationException | RuntimeException e) {
      // not an original direct buffer (a slice or duplicate): the GC frees it with its parent
    }
  }
}
