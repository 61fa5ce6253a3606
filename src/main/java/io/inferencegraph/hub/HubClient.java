package io.inferencegraph.hub;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Pulls model snapshots from the Hugging Face Hub into its shared cache, and finds them there offline. */
public final class HubClient {
  private static final int PARALLEL_FILES = 4;
  private static final String CONFIG = "config.json";

  private final HubSettings settings;
  private final ProgressListener progress;
  private final HubApi api;
  private final SnapshotAssembler assembler;

  public HubClient(HubSettings settings, ProgressListener progress) {
    this(settings, progress, Retry.Policy.defaults(), Duration.ofSeconds(30));
  }

  /** With the retry delays and read timeout tests shrink. */
  HubClient(HubSettings settings, ProgressListener progress, Retry.Policy retryPolicy, Duration readTimeout) {
    this.settings = settings;
    this.progress = progress;
    Credentials credentials = new Credentials(settings.endpoint(), settings.token(), settings.tokenSource());
    Transport transport = new Transport(Duration.ofSeconds(10), readTimeout);
    Retry retry = new Retry(retryPolicy);
    this.api = new HubApi(settings.endpoint(), credentials, transport, retry);
    this.assembler = new SnapshotAssembler(api, new BlobFetcher(transport, retry, credentials), progress,
        PARALLEL_FILES);
  }

  /**
   * Resolves the revision to a commit, lists the repo, downloads the selected files not cached yet and returns the
   * snapshot (config.json first when its transformers.js dtype may name the graph); a branch or tag is recorded under refs/ once every file is in place. Offline, the cache must hold it.
   * When the Hub cannot be reached (connection, timeout, 429 or 5xx after the retries), a complete snapshot of the
   * revision in the cache is used, with a note saying so, as huggingface_hub does.
   */
  public Snapshot pull(RepoRef ref, FileSelector selector) {
    if (settings.offline()) {
      return cached(ref, selector).orElseThrow(() -> new HubException(HubException.Kind.OFFLINE_MISS,
          ref + " is not in the Hub cache at " + settings.cacheDir() + " and HF_HUB_OFFLINE is set: run `models pull "
              + ref + "` without HF_HUB_OFFLINE first"));
    }
    RepoListing listing;
    try {
      listing = api.listing(ref);
    } catch (HubException unreachable) {
      if (unreachable.kind() != HubException.Kind.NETWORK || Thread.currentThread().isInterrupted()) {
        throw unreachable;
      }
      return fromCacheFor(ref, selector, unreachable);
    }
    RepoCache cache = new RepoCache(settings.cacheDir(), ref.repo());
    boolean configFirst = selector.readsConfig() && listing.paths().contains(CONFIG);
    JsonObject config = null;
    if (configFirst) {
      assembler.assemble(ref, cache, listing.commit(), List.of(CONFIG)); // its dtype may name the graph to fetch
      config = readConfig(cache.snapshot(listing.commit()));
    }
    FileSelector.Selection selection = select(ref, selector, listing.paths(), config);
    selection.why().ifPresent(why -> progress.note(ref + ": " + why));
    List<String> files = selection.files();
    assembler.assemble(ref, cache, listing.commit(),
        files.stream().filter(path -> !configFirst || !path.equals(CONFIG)).toList());
    if (!ref.isCommit()) {
      try {
        cache.writeRef(ref.revision(), listing.commit());
      } catch (IOException e) {
        throw new HubException(HubException.Kind.CACHE, "could not record " + ref + " under " + cache.root(), e);
      }
    }
    return snapshot(ref, cache, listing.commit(), files);
  }

  private Snapshot fromCacheFor(RepoRef ref, FileSelector selector, HubException unreachable) {
    Snapshot snapshot = cached(ref, selector).orElseThrow(() -> new HubException(HubException.Kind.NETWORK,
        unreachable.getMessage() + "; and " + ref + " is not in the Hub cache at " + settings.cacheDir(), unreachable));
    progress.note("the Hub could not be reached (" + unreachable.getMessage() + "); using " + ref + " from the cache: "
        + snapshot.dir());
    return snapshot;
  }

  /**
   * From the cache alone: refs/REVISION (or a commit revision itself) to snapshots/COMMIT, the selection applied to
   * the files there. Empty if the ref or any selected file is missing.
   */
  public Optional<Snapshot> cached(RepoRef ref, FileSelector selector) {
    RepoCache cache = new RepoCache(settings.cacheDir(), ref.repo());
    Optional<String> commit = ref.isCommit() ? Optional.of(ref.revision()) : cache.readRef(ref.revision());
    if (commit.isEmpty() || !Files.isDirectory(cache.snapshot(commit.get()))) {
      return Optional.empty();
    }
    List<String> present = filesIn(cache.snapshot(commit.get()));
    JsonObject config = selector.readsConfig() ? readConfig(cache.snapshot(commit.get())) : null;
    try {
      return Optional.of(snapshot(ref, cache, commit.get(), selector.select(present, config).files()));
    } catch (HubException missing) {
      return Optional.empty();
    }
  }

  private static FileSelector.Selection select(RepoRef ref, FileSelector selector, List<String> paths,
      JsonObject config) {
    try {
      return selector.select(paths, config);
    } catch (HubException e) {
      throw new HubException(e.kind(), ref + ": " + e.getMessage(), e);
    }
  }

  private static Snapshot snapshot(RepoRef ref, RepoCache cache, String commit, List<String> files) {
    long bytes = 0;
    for (String path : files) {
      try {
        bytes += Files.size(cache.pointer(commit, path));
      } catch (IOException e) {
        throw new HubException(HubException.Kind.CACHE, path + " of " + ref + " vanished from the cache", e);
      }
    }
    return new Snapshot(ref, commit, cache.snapshot(commit), files, bytes);
  }

  /** The snapshot's config.json as an object; null when it is absent or unreadable (the load will say so). */
  private static JsonObject readConfig(Path snapshot) {
    try {
      JsonElement config = JsonParser.parseString(Files.readString(snapshot.resolve(CONFIG)));
      return config.isJsonObject() ? config.getAsJsonObject() : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Repo paths of the files (links to existing blobs) in a snapshot folder. */
  private static List<String> filesIn(Path snapshot) {
    try (Stream<Path> walk = Files.walk(snapshot)) {
      return walk.filter(Files::isRegularFile)
          .map(path -> snapshot.relativize(path).toString().replace('\\', '/'))
          .toList();
    } catch (IOException | UncheckedIOException e) {
      return List.of();
    }
  }
}
