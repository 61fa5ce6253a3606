package io.inferencegraph.model;

/**
 * How ONNX Runtime sessions spend memory. {@code prepacking} keeps MatMul weights in a GEMM-friendly
 * packed layout: about 0.8 GB more on the real-sized graph, but decode steps 2.5-3.5x faster at 16
 * rows, so it stays on. {@code cpuArena} keeps a session's working memory in a pool that grows to
 * its largest step and is never given back (~0.4 GB more there, no clear speed-up), so it is off.
 */
public record SessionMemory(boolean prepacking, boolean cpuArena) {
  /** What sessions use unless {@link #useForNewSessions} says otherwise. */
  public static final SessionMemory DEFAULT = new SessionMemory(true, false);

  /** Sessions opened from now on in this process use this setting (the config's onnx_runtime keys). */
  public void useForNewSessions() {
    OnnxSessions.memory = this;
  }
}
