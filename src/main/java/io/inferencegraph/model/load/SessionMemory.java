package io.inferencegraph.model.load;

/**
 * How an ONNX Runtime session spends memory. {@code prepacking} keeps MatMul weights in a
 * GEMM-friendly packed layout: decode steps at 16 rows are 1.7-3.5x faster (no difference at 1 row),
 * and the memory it seems to cost (~0.8 GB on the real-sized graph) is mostly glibc fragmentation
 * that the process's malloc settings remove, so it stays on. {@code cpuArena} keeps a session's
 * working memory in a pool that grows to its largest step and is never given back (~0.4 GB there,
 * no clear speed-up), so it is off.
 */
public record SessionMemory(boolean prepacking, boolean cpuArena) {
  /** What sessions use unless the config's onnx_runtime keys say otherwise. */
  public static final SessionMemory DEFAULT = new SessionMemory(true, false);
}
