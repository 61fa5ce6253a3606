package io.inferencegraph.hub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How a snapshot is assembled: each selected file's blob, fetched at most once under its lock (checked before and
 * after taking it), then the snapshot's link to it; a few files at a time.
 */
final class SnapshotAssembler {
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final HubApi api;
  private final BlobFetcher fetcher;
  private final ProgressListener progress;
  private final int parallelFiles;

  SnapshotAssembler(HubApi api, BlobFetcher fetcher, ProgressListener progress, int parallelFiles) {
    this.api = api;
    this.fetcher = fetcher;
    this.progress = progress;
    this.parallelFiles = parallelFiles;
  }

  void assemble(RepoRef ref, RepoCache cache, String commit, List<String> files) {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallelFiles, files.size())), task -> {
      Thread thread = new Thread(task, "hub-pull-" + THREADS.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    try {
      List<Future<?>> placed = new ArrayList<>();
      for (String path : files) {
        placed.add(pool.submit(() -> place(ref, cache, commit, path)));
      }
      for (Future<?> file : placed) {
        file.get();
      }
    } catch (ExecutionException e) {
      throw e.getCause() instanceof HubException hub ? hub
          : new HubException(HubException.Kind.CACHE, "pulling " + ref + " failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HubException(HubException.Kind.NETWORK, "pulling " + ref + " was interrupted");
    } finally {
      stop(pool);
    }
  }

  private void place(RepoRef ref, RepoCache cache, String commit, String path) {
    if (Files.isRegularFile(cache.pointer(commit, path))) {
      progress.cached(path);
      return;
    }
    FileMetadata file = api.metadata(ref, commit, path);
    Path blob = cache.blob(file.etag());
    try {
      if (Files.exists(blob)) { // the same blob under another path or commit
        progress.cached(path);
        cache.link(commit, path, file.etag());
        return;
      }
    } catch (IOException e) {
      throw cacheFailure(ref, cache, path, e);
    }
    Runnable waiting = () -> progress.note("waiting for another download of " + path
        + " (lock held by another process)");
    try (BlobLock lock = BlobLock.acquire(cache.lock(file.etag()), waiting)) {
      if (Files.exists(blob)) {
        progress.cached(path); // another pull, thread or process fetched it first
      } else {
        fetcher.fetch(ref, file, cache.incomplete(file.etag()), blob, progress);
      }
      cache.link(commit, path, file.etag());
    } catch (IOException e) {
      throw cacheFailure(ref, cache, path, e);
    }
  }

  private static HubException cacheFailure(RepoRef ref, RepoCache cache, String path, IOException e) {
    return new HubException(HubException.Kind.CACHE, "could not write " + path + " of " + ref + " into the cache at "
        + cache.root() + ": " + e, e);
  }

  /** Waits for abandoned files to stop so the cache is quiet when pull() returns or throws. */
  private static void stop(ExecutorService pool) {
    pool.shutdownNow();
    try {
      pool.awaitTermination(2, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
