package io.inferencegraph.hub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where one repo lives in the Hub cache ("Hub Local Cache" layout, shared with huggingface_hub):
 * models--ORG--NAME/{blobs/ETAG, snapshots/COMMIT/PATH -> ../../blobs/ETAG, refs/REVISION}, and
 * .locks/models--ORG--NAME/ETAG.lock beside the repo folders.
 */
final class RepoCache {
  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

  private final Path root;
  private final Path locks;

  RepoCache(Path cacheDir, String repo) {
    String folder = "models--" + repo.replace("/", "--");
    this.root = cacheDir.resolve(folder);
    this.locks = cacheDir.resolve(".locks").resolve(folder);
  }

  Path root() {
    return root;
  }

  Path blob(String etag) {
    return root.resolve("blobs").resolve(checkName(etag, "etag"));
  }

  Path incomplete(String etag) {
    return root.resolve("blobs").resolve(checkName(etag, "etag") + ".incomplete");
  }

  Path lock(String etag) {
    return locks.resolve(checkName(etag, "etag") + ".lock");
  }

  Path snapshot(String commit) {
    return root.resolve("snapshots").resolve(checkCommit(commit));
  }

  /** Where a repo file appears in a snapshot; rejects paths that would leave the snapshot folder. */
  Path pointer(String commit, String repoPath) {
    Path snapshot = snapshot(commit);
    Path pointer = snapshot.resolve(repoPath).normalize();
    if (repoPath.isEmpty() || repoPath.startsWith("/") || repoPath.contains("\\") || !pointer.startsWith(snapshot)
        || pointer.equals(snapshot)) {
      throw new HubException(HubException.Kind.PROTOCOL, "the Hub listed an unsafe file path '" + repoPath + "'");
    }
    return pointer;
  }

  /** The commit a branch or tag pointed to when last pulled. */
  Optional<String> readRef(String revision) {
    Path ref = root.resolve("refs").resolve(revision).normalize();
    try {
      if (!ref.startsWith(root.resolve("refs")) || !Files.isRegularFile(ref)) {
        return Optional.empty();
      }
      String commit = Files.readString(ref, StandardCharsets.UTF_8).strip();
      return COMMIT.matcher(commit).matches() ? Optional.of(commit) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Records the commit of a branch or tag, atomically so a concurrent reader never sees half a hash. */
  void writeRef(String revision, String commit) throws IOException {
    Path ref = root.resolve("refs").resolve(revision).normalize();
    if (!ref.startsWith(root.resolve("refs"))) {
      throw new IllegalArgumentException("unsafe revision " + revision);
    }
    if (readRef(revision).filter(commit::equals).isPresent()) {
      return;
    }
    Files.createDirectories(ref.getParent());
    Path temp = Files.createTempFile(ref.getParent(), ".ref", ".tmp");
    Files.writeString(temp, checkCommit(commit), StandardCharsets.UTF_8); // no newline, as huggingface_hub writes it
    moveReplacing(temp, ref);
  }

  /** Makes snapshots/COMMIT/PATH a relative symlink to the blob (a copy where links are not supported). */
  void link(String commit, String repoPath, String etag) throws IOException {
    Path pointer = pointer(commit, repoPath);
    if (Files.isRegularFile(pointer)) {
      return;
    }
    Files.createDirectories(pointer.getParent());
    Files.deleteIfExists(pointer); // a dangling link left by a removed blob
    Path blob = blob(etag);
    try {
      Files.createSymbolicLink(pointer, pointer.getParent().relativize(blob));
    } catch (FileAlreadyExistsException raced) {
      // another puller linked it first; it points at the same blob
    } catch (UnsupportedOperationException | IOException noLinks) {
      if (!Files.exists(pointer)) {
        Files.copy(blob, pointer, StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  static void moveReplacing(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  static String checkCommit(String commit) {
    if (commit == null || !COMMIT.matcher(commit).matches()) {
      throw new HubException(HubException.Kind.PROTOCOL, "the Hub gave '" + commit + "' where a commit hash belongs");
    }
    return commit;
  }

  private static String checkName(String name, String what) {
    if (name == null || !SAFE_NAME.matcher(name).matches()) {
      throw new HubException(HubException.Kind.PROTOCOL, "the Hub gave an unusable " + what + " '" + name + "'");
    }
    return name;
  }
}
