package io.inferencegraph.model;

/**
 * How ONNX Runtime sessions spend memory. {@code prepacking} keeps a second, GEMM-friendly copy of
 * every MatMul weight next to the original (about the model's size again); {@code cpuArena} keeps a
 * session's working memory in a pool that grows to its largest step and is never given back. Both
 * are ONNX Runtime's defaults; with both off resident memory stays near the weights.
 */
public record SessionMemory(boolean prepacking, boolean cpuArena) {
  /** What sessions use unless {@link #useForNewSessions} says otherwise: both off. */
  public static final SessionMemory LEAN = new SessionMemory(false, false);

  /** Sessions opened from now on in this process use this setting (the config's onnx_runtime keys). */
  public void useForNewSessions() {
    OnnxSessions.memory = this;
  }
}
