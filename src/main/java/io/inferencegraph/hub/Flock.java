package io.inferencegraph.hub;

import com.sun.jna.Function;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * flock(2) through libc, the lock huggingface_hub's filelock takes on Linux: open(O_RDWR | O_CREAT), then
 * flock(LOCK_EX | LOCK_NB); released by LOCK_UN and close. The constants are Linux's (x86-64 and aarch64 alike).
 */
final class Flock implements FileLocks {
  private static final int O_RDWR = 02;
  private static final int O_CREAT = 0100;
  private static final int O_CLOEXEC = 02000000;
  private static final int MODE = 0664; // huggingface_hub's WeakFileLock: group-writable, for a shared cache
  private static final int LOCK_EX = 2;
  private static final int LOCK_NB = 4;
  private static final int LOCK_UN = 8;
  private static final int EINTR = 4;
  private static final int EWOULDBLOCK = 11;
  private static final int EINVAL = 22;
  private static final int ENOLCK = 37;
  private static final int ENOSYS = 38;
  private static final int EOPNOTSUPP = 95;

  private final Function open;
  private final Function flock;
  private final Function close;
  private final FileLocks unsupported;

  private Flock(NativeLibrary libc, FileLocks unsupported) {
    this.open = libc.getFunction("open");
    this.flock = libc.getFunction("flock");
    this.close = libc.getFunction("close");
    this.unsupported = unsupported;
  }

  /** flock on Linux, else empty (or where JNA cannot load libc); {@code unsupported} serves file systems without it. */
  static Optional<FileLocks> linux(FileLocks unsupported) {
    if (!System.getProperty("os.name", "").startsWith("Linux")) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Flock(NativeLibrary.getInstance("c"), unsupported));
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return Optional.empty();
    }
  }

  @Override
  public Held tryLock(Path lockFile) throws IOException {
    int fd = open.invokeInt(new Object[] {lockFile.toString(), O_RDWR | O_CREAT | O_CLOEXEC, MODE});
    if (fd < 0) {
      throw new IOException("could not open " + lockFile + " (errno " + Native.getLastError() + ")");
    }
    int result = flock.invokeInt(new Object[] {fd, LOCK_EX | LOCK_NB});
    int errno = Native.getLastError();
    if (result == 0) {
      return () -> unlock(fd, lockFile);
    }
    close.invokeInt(new Object[] {fd});
    if (errno == EWOULDBLOCK || errno == EINTR) {
      return null;
    }
    if (errno == ENOLCK || errno == EOPNOTSUPP || errno == ENOSYS || errno == EINVAL) {
      return unsupported.tryLock(lockFile); // a file system without flock, as huggingface_hub falls back too
    }
    throw new IOException("could not lock " + lockFile + " (flock errno " + errno + ")");
  }

  private void unlock(int fd, Path lockFile) throws IOException {
    int unlocked = flock.invokeInt(new Object[] {fd, LOCK_UN});
    int errno = Native.getLastError();
    // closing the last descriptor releases the lock in any case
    if (close.invokeInt(new Object[] {fd}) != 0 && unlocked == 0) {
      errno = Native.getLastError();
      unlocked = -1;
    }
    if (unlocked != 0) {
      throw new IOException("could not release " + lockFile + " (errno " + errno + ")");
    }
  }
}
