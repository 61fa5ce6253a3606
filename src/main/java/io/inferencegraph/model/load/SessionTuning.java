package io.inferencegraph.model.load;

/**
 * How ONNX Runtime sessions spend memory and share the cores; each default was measured on the
 * real-sized set at 16 clients on 2 cores (docs/performance.md, "Sessions on shared cores").
 * {@code prepacking} keeps MatMul weights in a GEMM-friendly packed layout: decode steps at 16 rows
 * are 1.7-3.5x faster. {@code cpuArena} keeps a session's working memory in a pool that grows to its
 * largest step: without it every step's intermediates are malloc'd and given back, and the pages
 * fault in again each time (0.76-0.97 req/s without, 1.27 with, peak RSS the same 4.1 GB).
 * {@code spinning} lets idle intra-op threads spin for work instead of sleeping, which only burns
 * the cores other sessions need. {@code coreTurns} makes sessions take turns on the node's cores
 * (see {@link CoreTurns}), so that their threads never outnumber the cores.
 */
public record SessionTuning(boolean prepacking, boolean cpuArena, boolean spinning, boolean coreTurns) {
  /** What sessions use unless the config's onnx_runtime keys say otherwise. */
  public static final SessionTuning DEFAULT = new SessionTuning(true, true, false, true);
}
