package io.inferencegraph.hub;

import io.inferencegraph.hub.FakeRepo.FakeFile;
import io.inferencegraph.hub.HubException.Kind;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How a pull's files are placed: progress per file, blobs shared between revisions, the download threads. */
class SnapshotAssemblerTest extends HubFixture {
  private static final String GRAPH = "onnx/model.onnx";

  @Test
  @DisplayName("each download reports its start with the announced size, its bytes and its end, from daemon threads")
  void progressOfDownloads() throws Exception {
    RecordingProgress progress = new RecordingProgress();
    AtomicReference<Snapshot> pulled = new AtomicReference<>();
    // from a thread that is no daemon, so the download threads cannot inherit the flag from it
    Thread caller = new Thread(() -> pulled.set(client(progress).pull(TINY, MODEL)));
    caller.setDaemon(false);
    caller.start();
    caller.join(60_000);

    Snapshot snapshot = pulled.get();

    for (String path : snapshot.files()) {
      long size = tinyFile(path).content().length;
      assertThat(progress.events).as(path).containsSubsequence("started " + path + " " + size, "finished " + path);
      assertThat(progress.bytes.get(path)).as(path).isEqualTo(size);
    }
    assertThat(progress.events).noneMatch(event -> event.startsWith("cached"));
    assertThat(progress.daemon).isNotEmpty().containsOnly(true);
  }

  @Test
  @DisplayName("files already linked, and blobs another revision brought, are reported cached and not fetched again")
  void progressOfCachedFiles() {
    client().pull(TINY, MODEL);
    Map<String, FakeFile> dev = tinyFiles();
    dev.put("config.json", FakeRepo.small("{\"model_type\": \"gpt2\", \"dev\": true}"));
    tiny.commit("dev", dev);
    RecordingProgress again = new RecordingProgress();
    RecordingProgress other = new RecordingProgress();

    client(again).pull(TINY, MODEL);
    client(other).pull(RepoRef.parse("acme/tiny@dev"), MODEL);

    assertThat(again.events).containsExactlyInAnyOrder("cached config.json", "cached tokenizer.json",
        "cached tokenizer_config.json", "cached onnx/model.onnx", "cached onnx/model.onnx_data");
    long configSize = dev.get("config.json").content().length;
    assertThat(other.events).containsExactlyInAnyOrder("started config.json " + configSize, "finished config.json",
        "cached tokenizer.json", "cached tokenizer_config.json", "cached onnx/model.onnx", "cached onnx/model.onnx_data");
  }

  @Test
  @DisplayName("of two pulls racing for a blob, one downloads it and the other, once it has the lock, reports it cached")
  void raceReportsCached() throws Exception {
    hub.holdDownloadUntilHeads(tinyFile(GRAPH).sha256(), 2);
    RecordingProgress progress = new RecordingProgress();

    CompletableFuture<Snapshot> first = CompletableFuture.supplyAsync(() -> client(progress).pull(TINY, MODEL));
    CompletableFuture<Snapshot> second = CompletableFuture.supplyAsync(() -> client(progress).pull(TINY, MODEL));
    first.get(60, TimeUnit.SECONDS);
    second.get(60, TimeUnit.SECONDS);

    assertThat(progress.events).filteredOn(event -> event.endsWith(" " + GRAPH) || event.startsWith("started " + GRAPH + " "))
        .containsExactlyInAnyOrder("started " + GRAPH + " 200000", "finished " + GRAPH, "cached " + GRAPH);
  }

  @Test
  @DisplayName("when pull() returns, the download threads it started have ended")
  void threadsEnd() throws Exception {
    Set<Thread> before = pullThreads();

    client().pull(TINY, MODEL);

    for (Thread thread : pullThreads()) {
      if (!before.contains(thread)) {
        thread.join(5_000);
        assertThat(thread.isAlive()).as(thread.getName()).isFalse();
      }
    }
  }

  @Test
  @DisplayName("a pull interrupted while files download fails with NETWORK at once and keeps the interrupt flag")
  void interrupted() throws Exception {
    hub.holdDownloadUntilHeads(tinyFile(GRAPH).sha256(), 1_000); // held until the stand-in's 10 s limit
    CountDownLatch downloading = new CountDownLatch(1);
    ProgressListener progress = new ProgressListener() {
      @Override
      public void started(String path, long totalBytes) {
        if (path.equals(GRAPH)) {
          downloading.countDown();
        }
      }

      @Override
      public void advanced(String path, long bytesNow) {}

      @Override
      public void finished(String path) {}
    };
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicBoolean stillInterrupted = new AtomicBoolean();
    Thread puller = new Thread(() -> {
      try {
        client(progress).pull(TINY, MODEL);
      } catch (RuntimeException e) {
        failure.set(e);
        stillInterrupted.set(Thread.currentThread().isInterrupted());
      }
    });

    puller.start();
    assertThat(downloading.await(10, TimeUnit.SECONDS)).isTrue();
    puller.interrupt();
    puller.join(5_000);

    assertThat(puller.isAlive()).isFalse();
    assertThat(failure.get()).isInstanceOfSatisfying(HubException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NETWORK))
        .hasMessage("pulling acme/tiny was interrupted");
    assertThat(stillInterrupted).isTrue();
  }

  @Test
  @DisplayName("a cache whose blobs folder cannot be created fails with CACHE naming the file and the cache folder")
  void unwritableCache() throws Exception {
    Files.createDirectories(repoDir("acme/tiny"));
    Files.writeString(repoDir("acme/tiny").resolve("blobs"), "not a folder");

    assertThatThrownBy(() -> client().pull(TINY, MODEL))
        .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CACHE))
        .hasMessageContaining("could not write config.json of acme/tiny into the cache at " + repoDir("acme/tiny") + ": ");
  }

  @Test
  @DisplayName("a client made with the default retry policy pulls")
  void defaultPolicy() {
    HubClient client = new HubClient(new HubSettings(hub.endpoint(), Optional.empty(), cache, false),
        ProgressListener.silent());

    assertThat(client.pull(TINY, MODEL).commit()).isEqualTo(tinyCommit);
  }

  @Test
  @DisplayName("a pull interrupted while it waits to retry fails with NETWORK and keeps the interrupt flag")
  void interruptedWhileWaiting() {
    hub.unavailable("/api/models/acme/tiny/revision/main", 1);
    HubClient client = new HubClient(new HubSettings(hub.endpoint(), Optional.empty(), cache, false),
        ProgressListener.silent(), new Retry.Policy(4, Duration.ofMillis(100), Duration.ofSeconds(1), wait -> {
          throw new InterruptedException();
        }), Duration.ofSeconds(10));

    assertThatThrownBy(() -> client.pull(TINY, MODEL))
        .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NETWORK))
        .hasMessageEndingWith("was interrupted");
    assertThat(Thread.interrupted()).isTrue(); // also clears the flag for the tests after this one
  }

  private static Set<Thread> pullThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("hub-pull-"))
        .collect(Collectors.toSet());
  }
}
