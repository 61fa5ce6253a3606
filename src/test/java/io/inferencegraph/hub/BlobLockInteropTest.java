package io.inferencegraph.hub;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A blob's lock against the one huggingface_hub takes (filelock.FileLock, flock(2) on Linux), held by a real Python
 * process. Linux only; skipped without python3, huggingface_hub and filelock unless REQUIRE_HF_HUB=1.
 */
@Timeout(120)
class BlobLockInteropTest extends HubFixture {
  private static final int TIMED_OUT = 3;

  private Process python;

  @BeforeAll
  static void needsFilelock() throws Exception {
    Assumptions.assumeTrue(System.getProperty("os.name", "").startsWith("Linux"), "flock is the Linux lock");
    boolean importable;
    try {
      Process probe = new ProcessBuilder("python3", "-c", "import filelock, huggingface_hub")
          .redirectErrorStream(true).start();
      importable = probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0;
    } catch (IOException e) {
      importable = false;
    }
    if (!importable && "1".equals(System.getenv("REQUIRE_HF_HUB"))) {
      throw new AssertionError("REQUIRE_HF_HUB=1 but `python3 -c 'import filelock, huggingface_hub'` fails: "
          + "pip install huggingface_hub");
    }
    Assumptions.assumeTrue(importable, "python3 with huggingface_hub and filelock is not installed");
  }

  @AfterEach
  void stopPython() {
    if (python != null) {
      python.destroyForcibly();
    }
  }

  @Test
  @DisplayName("a pull waits, and says so once, while huggingface_hub's filelock holds the blob's lock, then takes it")
  void waitsForPythonHolder() throws Exception {
    Path lockFile = cache.resolve(".locks/models--acme--tiny/abc.lock");
    python = python("""
        import filelock, os, sys
        os.makedirs(os.path.dirname(sys.argv[1]), exist_ok=True)
        lock = filelock.FileLock(sys.argv[1])
        lock.acquire()
        print("locked", flush=True)
        sys.stdin.readline()
        lock.release()
        print("released", flush=True)
        """, lockFile);
    BufferedReader out = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8));
    assertThat(out.readLine()).isEqualTo("locked");

    CompletableFuture<Void> waiting = new CompletableFuture<>();
    CompletableFuture<Void> acquired = CompletableFuture.runAsync(() -> {
      try (BlobLock lock = BlobLock.acquire(lockFile, () -> waiting.complete(null))) {
        // taken, and released on the thread that holds it
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    CompletableFuture.anyOf(waiting, acquired).get(60, TimeUnit.SECONDS);

    assertThat(acquired).as("took a lock the Python process holds").isNotDone();
    try (Writer in = new OutputStreamWriter(python.getOutputStream(), StandardCharsets.UTF_8)) {
      in.write("\n");
    }
    assertThat(out.readLine()).isEqualTo("released");
    acquired.get(60, TimeUnit.SECONDS);
    assertThat(waiting).isDone();
  }

  @Test
  @DisplayName("a pull waiting for a lock another process holds gives up with NETWORK when interrupted, and stays so")
  void interruptedWhileAnotherProcessHolds() throws Exception {
    Path lockFile = cache.resolve(".locks/models--acme--tiny/abc.lock");
    python = python("""
        import filelock, os, sys
        os.makedirs(os.path.dirname(sys.argv[1]), exist_ok=True)
        lock = filelock.FileLock(sys.argv[1])
        lock.acquire()
        print("locked", flush=True)
        sys.stdin.readline()
        """, lockFile);
    BufferedReader out = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8));
    assertThat(out.readLine()).isEqualTo("locked");

    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    CompletableFuture<Boolean> stillInterrupted = new CompletableFuture<>();
    Thread waiter = new Thread(() -> {
      try (BlobLock lock = BlobLock.acquire(lockFile, () -> Thread.currentThread().interrupt())) {
        failure.complete(new AssertionError("took a lock the Python process holds"));
      } catch (IOException | RuntimeException e) {
        failure.complete(e);
      }
      stillInterrupted.complete(Thread.currentThread().isInterrupted());
    });
    waiter.start();

    assertThat(failure.get(60, TimeUnit.SECONDS)).isInstanceOfSatisfying(HubException.class,
        e -> assertThat(e.kind()).isEqualTo(HubException.Kind.NETWORK)).hasMessageContaining("interrupted while waiting");
    assertThat(stillInterrupted.get(60, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  @DisplayName("huggingface_hub's filelock cannot take a blob's lock while a pull holds it, and can once it is free")
  void pythonExcludedWhileHeld() throws Exception {
    Path lockFile = cache.resolve(".locks/models--acme--tiny/abc.lock");
    String tryOnce = """
        import filelock, sys
        try:
            filelock.FileLock(sys.argv[1]).acquire(timeout=0)
        except filelock.Timeout:
            sys.exit(3)
        """;
    try (BlobLock held = BlobLock.acquire(lockFile)) {
      assertThat(exitCode(python(tryOnce, lockFile))).isEqualTo(TIMED_OUT);
    }
    assertThat(exitCode(python(tryOnce, lockFile))).isZero();
  }

  @Test
  @DisplayName("a pull waits for a blob whose lock huggingface_hub holds (on its own path), says so once, then ends")
  void pullWaitsForPythonDownload() throws Exception {
    String etag = tinyFile("config.json").etag();
    python = python("""
        import os, sys
        from filelock import FileLock
        from huggingface_hub.file_download import repo_folder_name
        lock_path = os.path.join(sys.argv[1], ".locks", repo_folder_name(repo_id="acme/tiny", repo_type="model"),
                                 sys.argv[2] + ".lock")
        os.makedirs(os.path.dirname(lock_path), exist_ok=True)
        lock = FileLock(lock_path)
        lock.acquire()
        print("locked", flush=True)
        sys.stdin.readline()
        lock.release()
        print("released", flush=True)
        """, cache, etag);
    BufferedReader out = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8));
    assertThat(out.readLine()).isEqualTo("locked");

    List<String> notes = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> noted = new CompletableFuture<>();
    ProgressListener progress = new ProgressListener() {
      @Override
      public void started(String path, long totalBytes) {}

      @Override
      public void advanced(String path, long bytesNow) {}

      @Override
      public void finished(String path) {}

      @Override
      public void note(String line) {
        notes.add(line);
        noted.complete(null);
      }
    };
    CompletableFuture<Snapshot> pulled = CompletableFuture.supplyAsync(() -> client(progress).pull(TINY, MODEL));
    CompletableFuture.anyOf(noted, pulled).get(60, TimeUnit.SECONDS);

    assertThat(pulled).as("pulled a blob huggingface_hub holds the lock of").isNotDone();
    assertThat(notes).containsExactly("waiting for another download of config.json (lock held by another process)");
    try (Writer in = new OutputStreamWriter(python.getOutputStream(), StandardCharsets.UTF_8)) {
      in.write("\n");
    }
    assertThat(out.readLine()).isEqualTo("released");
    Snapshot snapshot = pulled.get(60, TimeUnit.SECONDS);
    assertThat(snapshot.dir().resolve("config.json")).hasContent("{\"model_type\": \"gpt2\"}");
    assertThat(notes).hasSize(1);
  }

  private Process python(String script, Path lockFile) throws IOException {
    return python(script, lockFile, "");
  }

  private Process python(String script, Path path, String arg) throws IOException {
    python = new ProcessBuilder("python3", "-c", script, path.toString(), arg)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    return python;
  }

  private static int exitCode(Process process) throws InterruptedException {
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("python3 exited").isTrue();
    return process.exitValue();
  }
}
