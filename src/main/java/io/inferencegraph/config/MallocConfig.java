package io.inferencegraph.config;

/**
 * What the process does with glibc's malloc, where ONNX Runtime sessions get their working memory:
 * {@code arenas} (0: glibc's default of 8 per core) and {@code trimIntervalMillis} (0: never trim).
 */
public record MallocConfig(int arenas, long trimIntervalMillis) {
  /** Two arenas and a trim every 10 s: the resident size stays near the models' own bytes. */
  public static final MallocConfig DEFAULT = new MallocConfig(2, 10_000);
}
