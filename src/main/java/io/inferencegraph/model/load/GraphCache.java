package io.inferencegraph.model.load;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Where a graph's optimised ONNX Runtime format copy lives: {@code .ort-cache/} beside the graph,
 * one file per (graph file name, size, modification time, runtime version, optimisation level), so a
 * changed graph or another runtime finds no file and writes its own. Loading that copy from a memory
 * map skips parsing the protobuf and copying every weight (6 s to 2 s for a gpt2-sized graph here).
 */
public final class GraphCache {
  static final String DIRECTORY = ".ort-cache";
  /** The level the copy is saved at: EXTENDED has no hardware-specific layouts, so a copied directory still runs. */
  static final String LEVEL = "extended";
  /** The ORT format is a flatbuffer, which cannot exceed 2 GiB; larger graphs load the original. */
  static final long MAX_BYTES = 1_900_000_000L;
  /**
   * ONNX Runtime reads weights straight from the mapped bytes for the session's whole life, so each
   * mapping is kept for the life of the process; a file name changes with its content, so a reload
   * of the same graph reuses its mapping.
   */
  private static final Map<Path, Mapping> MAPPED = new ConcurrentHashMap<>();

  private GraphCache() {}

  /** The cached copy's path for this graph and runtime, or empty when the graph cannot be cached. */
  public static Optional<Path> location(Path graph, String runtimeVersion) {
    try {
      long size = Files.size(graph);
      if (size > MAX_BYTES || hasExternalData(graph)) {
        return Optional.empty();
      }
      String key = graph.getFileName() + "|" + size + "|" + Files.getLastModifiedTime(graph).toMillis()
          + "|" + runtimeVersion + "|" + LEVEL;
      return Optional.of(graph.toAbsolutePath().getParent().resolve(DIRECTORY)
          .resolve(stem(graph) + "-" + digest(key) + ".ort"));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * The cached copy mapped into memory (kept mapped, see {@link #MAPPED}). A file that is no longer
   * the one mapped (another inode or size: replaced or truncated in place) is mapped afresh, so a
   * stale mapping is never handed to ONNX Runtime, which would fault reading past its end.
   */
  static MappedByteBuffer map(Path cached) throws IOException {
    Object identity = Files.readAttributes(cached, BasicFileAttributes.class).fileKey();
    try (FileChannel channel = FileChannel.open(cached)) {
      long size = channel.size();
      Mapping known = MAPPED.get(cached);
      if (known != null && known.size() == size && Objects.equals(known.identity(), identity)) {
        return known.buffer();
      }
      Mapping mapped = new Mapping(identity, size, channel.map(FileChannel.MapMode.READ_ONLY, 0, size));
      MAPPED.put(cached, mapped);
      return mapped.buffer();
    }
  }

  private record Mapping(Object identity, long size, MappedByteBuffer buffer) {}

  /** Forgets a copy that failed to load: drops its mapping and deletes the file. */
  static void discard(Path cached) {
    MAPPED.remove(cached);
    try {
      Files.deleteIfExists(cached);
    } catch (IOException ignored) {
      // the next start tries again
    }
  }

  /** A fresh temporary name beside the copy, so a crash mid-write never leaves a file the loader trusts. */
  static Path temporary(Path cached) throws IOException {
    Files.createDirectories(cached.getParent());
    return cached.resolveSibling(cached.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
  }

  /** Renames a finished copy into place and removes this graph's copies for other keys. */
  static void publish(Path temporary, Path cached) throws IOException {
    try {
      Files.move(temporary, cached, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temporary, cached, StandardCopyOption.REPLACE_EXISTING);
    }
    String prefix = cached.getFileName().toString().substring(0, cached.getFileName().toString().lastIndexOf('-') + 1);
    try (DirectoryStream<Path> stale = Files.newDirectoryStream(cached.getParent(), prefix + "*.ort")) {
      for (Path old : stale) {
        if (!old.equals(cached) && old.getFileName().toString().matches(Pattern.quote(prefix) + "[0-9a-f]{16}\\.ort")) {
          Files.deleteIfExists(old);
        }
      }
    }
  }

  private static boolean hasExternalData(Path graph) {
    String name = graph.getFileName().toString();
    return Files.exists(graph.resolveSibling(name + "_data")) || Files.exists(graph.resolveSibling(name + ".data"));
  }

  private static String stem(Path graph) {
    String name = graph.getFileName().toString();
    return name.endsWith(".onnx") ? name.substring(0, name.length() - ".onnx".length()) : name;
  }

  private static String digest(String key) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
