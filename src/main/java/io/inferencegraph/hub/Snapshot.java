package io.inferencegraph.hub;

import java.nio.file.Path;
import java.util.List;

/** A model snapshot on disk: {@code dir} = cache/models--ORG--NAME/snapshots/COMMIT, its selected files and their size. */
public record Snapshot(RepoRef ref, String commit, Path dir, List<String> files, long bytes) {
  public Snapshot {
    files = List.copyOf(files);
  }
}
