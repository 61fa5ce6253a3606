package io.inferencegraph.model;

import ai.onnxruntime.OrtException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rows of a {@link DecodeBatch} that share one KV cache and one ONNX Runtime call per step. Rows of
 * different lengths are left-padded in the cache; the batch keeps such rows in separate cohorts
 * when the graph derives positions from the past length, since padding would shift them.
 */
final class DecodeCohort implements AutoCloseable {
  private final DecoderGraph graph;
  private final List<Sequence> rows = new ArrayList<>();
  private KvCache cache;

  DecodeCohort(DecoderGraph graph) {
    this.graph = graph;
  }

  List<Sequence> rows() {
    return rows;
  }

  /** Adds prefilled rows and, when decoding with a cache, their keys and values (taken over). */
  void join(List<Sequence> group, KvCache present) throws OrtException {
    if (present == null || cache == null) {
      cache = present == null ? cache : present;
      rows.addAll(group);
      return;
    }
    List<KvCache.Slice> slices = new ArrayList<>(slices(cache, rows));
    slices.addAll(slices(present, group));
    KvCache merged;
    try {
      merged = KvCache.gather(graph, slices);
    } catch (OrtException | RuntimeException | Error e) {
      present.close(); // the joining group never made it in: its prefill cache has no owner
      throw e;
    }
    cache.close();
    present.close();
    cache = merged;
    rows.addAll(group);
  }

  /** One step with the cache: each row's last token, its position and its padded mask. */
  DecoderGraph.Step nextStep() {
    int n = rows.size();
    int past = cache.length;
    long[] ids = new long[n];
    long[] mask = new long[n * (past + 1)];
    long[] positions = new long[n];
    for (int r = 0; r < n; r++) {
      Sequence sequence = rows.get(r);
      ids[r] = sequence.lastToken();
      positions[r] = sequence.length() - 1;
      int padding = past - (sequence.length() - 1);
      Arrays.fill(mask, r * (past + 1) + padding, (r + 1) * (past + 1), 1L);
    }
    return new DecoderGraph.Step(n, 1, ids, mask, positions, cache);
  }

  /** Replaces the cache with the one the last step returned. */
  void advanceCache(KvCache present) {
    cache.close();
    cache = present;
  }

  /** Removes the finished rows and returns them; the cache shrinks to the rows left. */
  List<Sequence> evictFinished() throws OrtException {
    List<Sequence> finished = rows.stream().filter(Sequence::finished).toList();
    if (finished.isEmpty()) {
      return finished;
    }
    if (cache != null) {
      List<KvCache.Slice> kept = new ArrayList<>();
      for (int r = 0; r < rows.size(); r++) {
        if (!rows.get(r).finished()) {
          kept.add(new KvCache.Slice(cache, r, rows.get(r).length() - 1));
        }
      }
      KvCache old = cache;
      cache = kept.isEmpty() ? null : KvCache.gather(graph, kept);
      old.close();
    }
    rows.removeAll(finished);
    return finished;
  }

  /** Every row of {@code source}, in order, with its valid length. */
  private static List<KvCache.Slice> slices(KvCache source, List<Sequence> sequences) {
    List<KvCache.Slice> slices = new ArrayList<>();
    for (Sequence sequence : sequences) {
      slices.add(new KvCache.Slice(source, slices.size(), sequence.length() - 1));
    }
    return slices;
  }

  @Override
  public void close() {
    if (cache != null) {
      cache.close();
      cache = null;
    }
    rows.clear();
  }
}
