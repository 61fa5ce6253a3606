package io.inferencegraph.hub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The .locks/.../ETAG.lock of one blob, held while it is downloaded and linked: the lock huggingface_hub takes on the
 * same path, so a pull and a Python download of one blob exclude each other. A file lock keeps other processes out;
 * it is held per process, so an in-process lock first keeps this process's other threads out.
 */
final class BlobLock implements AutoCloseable {
  private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();
  private static final FileLocks PLATFORM = FileLocks.forThisPlatform();
  /** How often a lock held by another process is tried again; polling keeps the wait interruptible. */
  private static final long POLL_MILLIS = 50;

  private final ReentrantLock local;
  private final FileLocks.Held fileLock;

  private BlobLock(ReentrantLock local, FileLocks.Held fileLock) {
    this.local = local;
    this.fileLock = fileLock;
  }

  static BlobLock acquire(Path lockFile) throws IOException {
    return acquire(lockFile, PLATFORM, () -> {});
  }

  /** Waits for the lock; {@code waiting} runs once if another process holds it at first. */
  static BlobLock acquire(Path lockFile, Runnable waiting) throws IOException {
    return acquire(lockFile, PLATFORM, waiting);
  }

  static BlobLock acquire(Path lockFile, FileLocks locks, Runnable waiting) throws IOException {
    ReentrantLock local = IN_PROCESS.computeIfAbsent(lockFile.toAbsolutePath().normalize(), p -> new ReentrantLock());
    try {
      local.lockInterruptibly();
    } catch (InterruptedException e) {
      throw interrupted(lockFile);
    }
    try {
      Files.createDirectories(lockFile.getParent());
      FileLocks.Held held = locks.tryLock(lockFile);
      if (held == null) {
        waiting.run();
      }
      while (held == null) {
        Thread.sleep(POLL_MILLIS);
        held = locks.tryLock(lockFile);
      }
      return new BlobLock(local, held);
    } catch (InterruptedException e) {
      local.unlock();
      throw interrupted(lockFile);
    } catch (IOException | RuntimeException e) {
      local.unlock();
      throw e;
    }
  }

  private static HubException interrupted(Path lockFile) {
    Thread.currentThread().interrupt();
    return new HubException(HubException.Kind.NETWORK, "interrupted while waiting for " + lockFile);
  }

  @Override
  public void close() throws IOException {
    try {
      fileLock.release();
    } finally {
      local.unlock();
    }
  }
}
