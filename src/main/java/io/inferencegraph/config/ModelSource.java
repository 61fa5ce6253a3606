package io.inferencegraph.config;

import io.inferencegraph.hub.RepoRef;
import java.nio.file.Path;

/**
 * Where a model's files come from: a local directory, or a Hugging Face Hub repository
 * ({@code hf://ORG/NAME[@REVISION]}) that start-up resolves to a snapshot in the Hugging Face cache.
 */
public sealed interface ModelSource {
  String HUB_SCHEME = "hf://";

  /** The local directory to load from. */
  Path dir();

  /** A config {@code path} value: {@code hf://...}, else a directory relative to {@code modelsDir}. */
  static ModelSource parse(String key, String path, Path modelsDir) {
    if (!path.startsWith(HUB_SCHEME)) {
      return new Local(modelsDir.resolve(path));
    }
    try {
      return new Hub(RepoRef.parse(path.substring(HUB_SCHEME.length())), null);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, e.getMessage());
    }
  }

  /** A model directory on this machine. */
  record Local(Path dir) implements ModelSource {
    @Override
    public String toString() {
      return dir.toString();
    }
  }

  /** A Hub repository; {@code snapshot} is null until it has been resolved in the cache. */
  record Hub(RepoRef ref, Path snapshot) implements ModelSource {
    @Override
    public Path dir() {
      if (snapshot == null) {
        throw new IllegalStateException(this + " has not been resolved to a snapshot in the Hugging Face cache");
      }
      return snapshot;
    }

    public Hub resolvedTo(Path snapshotDir) {
      return new Hub(ref, snapshotDir);
    }

    @Override
    public String toString() {
      return HUB_SCHEME + ref;
    }
  }
}
