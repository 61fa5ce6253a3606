package io.inferencegraph.hub;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A blob's lock on real files: what it leaves behind when it fails, is interrupted, or is closed. */
class BlobLockTest {
  @TempDir
  Path dir;

  @Test
  @DisplayName("closing a blob lock releases its file lock and closes its file")
  void closeReleases() throws Exception {
    Path lockFile = dir.resolve(".locks/models--acme--tiny/abc.lock");

    BlobLock.acquire(lockFile).close();

    assertThat(openDescriptors(lockFile)).isZero();
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE); FileLock lock = channel.tryLock()) {
      assertThat(lock).isNotNull();
    }
  }

  @Test
  @DisplayName("a lock file that cannot be created fails with its IOException and leaves the lock free for other threads")
  void creationFails() throws Exception {
    Path notAFolder = Files.writeString(dir.resolve("locks"), "a file where the folder belongs");
    Path lockFile = notAFolder.resolve("abc.lock");

    assertThatThrownBy(() -> BlobLock.acquire(lockFile)).isInstanceOf(IOException.class);
    CompletableFuture<Throwable> otherThread = CompletableFuture.supplyAsync(() -> {
      try (BlobLock lock = BlobLock.acquire(lockFile)) {
        return null;
      } catch (IOException | RuntimeException e) {
        return e;
      }
    });

    assertThat(otherThread.get(10, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
  }

  @Test
  @DisplayName("with the FileChannel fallback, a file lock this JVM already holds otherwise is refused, and the refused attempt leaves no file open")
  void lockRefused() throws Exception {
    Path lockFile = dir.resolve("abc.lock");
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock held = channel.lock()) {

      assertThatThrownBy(() -> BlobLock.acquire(lockFile, FileLocks.channel(), () -> {}))
          .isInstanceOf(OverlappingFileLockException.class);

      assertThat(openDescriptors(lockFile)).isEqualTo(1); // the test's own
    }
  }

  @Test
  @DisplayName("a thread interrupted while it waits for a blob's lock gives up with NETWORK and stays interrupted")
  void interruptedWhileWaiting() throws Exception {
    Path lockFile = dir.resolve("abc.lock");
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicBoolean stillInterrupted = new AtomicBoolean();
    try (BlobLock held = BlobLock.acquire(lockFile)) {
      Thread waiter = new Thread(() -> {
        Thread.currentThread().interrupt();
        try (BlobLock lock = BlobLock.acquire(lockFile)) {
          failure.set(new AssertionError("acquired a lock another thread holds"));
        } catch (IOException | RuntimeException e) {
          failure.set(e);
          stillInterrupted.set(Thread.currentThread().isInterrupted());
        }
      });
      waiter.start();
      waiter.join(10_000);
    }

    assertThat(failure.get()).isInstanceOfSatisfying(HubException.class,
        e -> assertThat(e.kind()).isEqualTo(HubException.Kind.NETWORK)).hasMessageContaining("interrupted while waiting for");
    assertThat(stillInterrupted).isTrue();
  }

  /** How many of this process's file descriptors are open on {@code file} (Linux /proc). */
  private static long openDescriptors(Path file) throws IOException {
    Path fds = Path.of("/proc/self/fd");
    Assumptions.assumeTrue(Files.isDirectory(fds), "needs /proc/self/fd");
    Path target = file.toRealPath();
    try (Stream<Path> list = Files.list(fds)) {
      return list.filter(fd -> {
        try {
          return Files.readSymbolicLink(fd).equals(target);
        } catch (IOException gone) {
          return false; // closed meanwhile, e.g. the descriptor of this listing itself
        }
      }).count();
    }
  }
}
