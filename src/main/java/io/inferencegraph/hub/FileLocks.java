package io.inferencegraph.hub;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * How other processes are kept out of a blob's lock file. huggingface_hub locks it with flock(2) (through the
 * filelock package), and an fcntl record lock, which is what FileChannel.lock takes on Linux, does not exclude a flock
 * holder: so flock where it is available, a FileChannel lock elsewhere.
 */
interface FileLocks {
  /** The lock on {@code lockFile} (created if missing), or null while another process holds it. */
  Held tryLock(Path lockFile) throws IOException;

  /** A lock this process holds. */
  interface Held {
    void release() throws IOException;
  }

  /** flock(2) on Linux when libc loads through JNA, else {@link #channel()}. */
  static FileLocks forThisPlatform() {
    return Flock.linux(channel()).orElseGet(FileLocks::channel);
  }

  /** FileChannel's lock: fcntl on Linux, which huggingface_hub's flock does not see. */
  static FileLocks channel() {
    return lockFile -> {
      FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      try {
        FileLock lock = channel.tryLock();
        if (lock == null) {
          channel.close();
          return null;
        }
        return () -> {
          try {
            lock.release();
          } finally {
            channel.close();
          }
        };
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    };
  }
}
