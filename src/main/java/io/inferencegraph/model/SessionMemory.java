package io.inferencegraph.model;

/**
 * How ONNX Runtime sessions spend memory. {@code prepacking} keeps MatMul weights in a GEMM-friendly
 * packed layout: decode steps at 16 rows are 1.7-3.5x faster (no difference at 1 row), and the
 * memory it seems to cost (~0.8 GB on the real-sized graph) is mostly glibc fragmentation that the
 * malloc settings below remove, so it stays on. {@code cpuArena} keeps a session's working
 * memory in a pool that grows to its largest step and is never given back (~0.4 GB there, no clear
 * speed-up), so it is off. {@code mallocArenas} (0: glibc's default of 8 per core) and
 * {@code mallocTrimIntervalMillis} (0: never) are what {@link NativeHeap} does with glibc's malloc,
 * where sessions get their working memory.
 */
public record SessionMemory(boolean prepacking, boolean cpuArena, int mallocArenas, long mallocTrimIntervalMillis) {
  /** What sessions use unless {@link #useForNewSessions} says otherwise. */
  public static final SessionMemory DEFAULT = new SessionMemory(true, false, 2, 10_000);

  /** The session settings with the process's malloc left as it was (tests and benchmarks in one JVM). */
  public SessionMemory(boolean prepacking, boolean cpuArena) {
    this(prepacking, cpuArena, 0, 0);
  }

  /** Applies the malloc settings to this process: call once, before the models load. */
  public void applyToProcess() {
    NativeHeap.configure(mallocArenas, mallocTrimIntervalMillis);
  }

  /** Sessions opened from now on in this process use this setting (the config's onnx_runtime keys). */
  public void useForNewSessions() {
    OnnxSessions.memory = this;
  }
}
