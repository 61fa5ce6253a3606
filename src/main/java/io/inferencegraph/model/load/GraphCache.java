package io.inferencegraph.model.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Where a graph's optimised copy lives: {@code .ort-cache/} beside the graph, one ONNX file and its
 * external data per (graph file name, size, modification time, the same of the graph's own external
 * data file if it has one, runtime version, optimisation level, CPU), so a changed graph, another
 * runtime or another CPU finds no file and writes its own. The data
 * file holds the weights and also ONNX Runtime's pre-packed copies of the MatMul weights in this CPU's
 * kernel layout; a session opened from the copy maps that file and pre-packs nothing (gpt2-medium's
 * session: about 7 s to 2 s here).
 */
public final class GraphCache {
  static final String DIRECTORY = ".ort-cache";
  /** The level the copy is saved at: EXTENDED has no fusions for other hardware. */
  static final String LEVEL = "extended";
  /** The pre-packed weights are laid out for this CPU's kernels, so the CPU is part of the key. */
  static final String CPU = cpuIdentity();
  private static final Pattern HEX_NAME = Pattern.compile("[0-9a-f]{16}\\.(onnx|onnx\\.data|ort)");

  private GraphCache() {}

  /**
   * The cached copy's path for this graph and runtime, or empty when the graph cannot be cached (its
   * file cannot be read). A graph with external data in the usual single file ({@code model.onnx_data}
   * or {@code model.onnx.data}) has that file's size and time in the key too.
   */
  public static Optional<Path> location(Path graph, String runtimeVersion) {
    try {
      StringBuilder key = new StringBuilder(stamp(graph));
      for (Path data : externalData(graph)) {
        key.append('|').append(stamp(data));
      }
      key.append('|').append(runtimeVersion).append('|').append(LEVEL).append("|prepacked|").append(CPU);
      return Optional.of(graph.toAbsolutePath().getParent().resolve(DIRECTORY)
          .resolve(stem(graph) + "-" + digest(key.toString()) + ".onnx"));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static String stamp(Path file) throws IOException {
    return file.getFileName() + "|" + Files.size(file) + "|" + Files.getLastModifiedTime(file).toMillis();
  }

  /** The copy's external data file, named in the copy by its file name. */
  static Path data(Path cached) {
    return cached.resolveSibling(cached.getFileName() + ".data");
  }

  /** Where the ORT-format copy goes for a graph whose ONNX copy does not load back: {@code model-<key>.ort}. */
  static Path ortFormat(Path cached) {
    String name = cached.getFileName().toString();
    return cached.resolveSibling(name.substring(0, name.length() - ".onnx".length()) + ".ort");
  }

  /** Forgets a copy that failed to load: deletes the graph and its data. */
  static void discard(Path cached) {
    try {
      Files.deleteIfExists(cached);
      Files.deleteIfExists(data(cached));
    } catch (IOException ignored) {
      // the next start tries again
    }
  }

  /**
   * A fresh directory beside the copy to write it into, so a crash mid-write never leaves a file the
   * loader trusts; the data keeps its final name there, since the graph names it.
   */
  static Path staging(Path cached) throws IOException {
    Files.createDirectories(cached.getParent());
    return Files.createDirectory(cached.resolveSibling(".tmp-" + ProcessHandle.current().pid() + "-" + System.nanoTime()));
  }

  /**
   * Moves a finished copy from {@code staging} into place, data first and the graph last (a graph is
   * only ever there with its data), and removes this graph's copies for other keys.
   */
  static void publish(Path staging, Path cached) throws IOException {
    if (Files.exists(staging.resolve(data(cached).getFileName()))) {
      move(staging.resolve(data(cached).getFileName()), data(cached));
    }
    move(staging.resolve(cached.getFileName()), cached);
    String name = cached.getFileName().toString();
    String prefix = name.substring(0, name.lastIndexOf('-') + 1);
    try (DirectoryStream<Path> stale = Files.newDirectoryStream(cached.getParent(), prefix + "*")) {
      for (Path old : stale) {
        String oldName = old.getFileName().toString();
        if (!old.equals(cached) && !old.equals(data(cached)) && oldName.startsWith(prefix)
            && HEX_NAME.matcher(oldName.substring(prefix.length())).matches()) {
          Files.deleteIfExists(old);
        }
      }
    }
  }

  /** Removes a staging directory and what is left in it. */
  static void clean(Path staging) {
    try (DirectoryStream<Path> left = Files.newDirectoryStream(staging)) {
      for (Path file : left) {
        Files.deleteIfExists(file);
      }
      Files.deleteIfExists(staging);
    } catch (IOException ignored) {
      // a stray staging directory is never read: only published names are
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** The CPU's model and feature flags (the first processor of /proc/cpuinfo), else the architecture. */
  static String cpuIdentity() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      String features = lines.filter(l -> l.startsWith("model name") || l.startsWith("flags") || l.startsWith("Features"))
          .limit(2).collect(Collectors.joining("|"));
      return features.isEmpty() ? System.getProperty("os.arch") : digest(features);
    } catch (IOException | RuntimeException e) {
      return System.getProperty("os.arch");
    }
  }

  /** The graph's external data files that exist, under the two names exporters give them. */
  static List<Path> externalData(Path graph) {
    String name = graph.getFileName().toString();
    return Stream.of(graph.resolveSibling(name + "_data"), graph.resolveSibling(name + ".data"))
        .filter(Files::isRegularFile).toList();
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
