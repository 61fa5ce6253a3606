package io.inferencegraph.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

/** A model repo the stand-in Hub serves: commits of files, branches and tags naming commits, maybe gated. */
public final class FakeRepo {
  /** A file in a commit; LFS files are served from the CDN, optionally with other bytes than announced. */
  public record FakeFile(byte[] content, boolean lfs, byte[] served) {
    String gitSha1() {
      byte[] header = ("blob " + content.length + "\0").getBytes(StandardCharsets.UTF_8);
      return hex("SHA-1", header, content);
    }

    String sha256() {
      return hex("SHA-256", content);
    }

    /** The etag that names the blob in the cache. */
    String etag() {
      return lfs ? sha256() : gitSha1();
    }
  }

  final String id;
  final Map<String, Map<String, FakeFile>> commits = new LinkedHashMap<>();
  final Map<String, String> refs = new LinkedHashMap<>();
  Optional<String> gatedToken = Optional.empty();
  /** Paths the listing shows but /resolve no longer has, as after a file vanished between the two calls. */
  final java.util.Set<String> phantoms = new java.util.TreeSet<>();

  public FakeRepo(String id) {
    this.id = id;
  }

  /** Adds a commit with these files and points {@code branchOrTag} at it; returns its hash. */
  public String commit(String branchOrTag, Map<String, FakeFile> files) {
    String commit = hex("SHA-1", (id + "#" + commits.size()).getBytes(StandardCharsets.UTF_8));
    commits.put(commit, new LinkedHashMap<>(files));
    refs.put(branchOrTag, commit);
    return commit;
  }

  FakeRepo gatedBy(String token) {
    gatedToken = Optional.of(token);
    return this;
  }

  Optional<String> resolve(String revision) {
    return commits.containsKey(revision) ? Optional.of(revision) : Optional.ofNullable(refs.get(revision));
  }

  static FakeFile small(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return new FakeFile(bytes, false, bytes);
  }

  static FakeFile lfs(byte[] bytes) {
    return new FakeFile(bytes, true, bytes);
  }

  /** Deterministic pseudo-random bytes, the stand-in for an ONNX graph in transport tests. */
  static byte[] randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  /** The files of a model directory on disk; .onnx files become LFS files, as on the Hub. */
  public static Map<String, FakeFile> filesOf(Path dir) {
    Map<String, FakeFile> files = new LinkedHashMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path path : walk.filter(Files::isRegularFile).sorted().toList()) {
        byte[] bytes = Files.readAllBytes(path);
        String name = dir.relativize(path).toString().replace('\\', '/');
        files.put(name, new FakeFile(bytes, name.endsWith(".onnx"), bytes));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  static String hex(String algorithm, byte[]... parts) {
    try {
      MessageDigest digest = MessageDigest.getInstance(algorithm);
      for (byte[] part : parts) {
        digest.update(part);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
