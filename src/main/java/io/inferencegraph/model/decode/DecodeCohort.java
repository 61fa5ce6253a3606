package io.inferencegraph.model.decode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rows of a {@link DecodeBatch} that share one KV cache and one ONNX Runtime call per step. Rows of
 * different lengths are left-padded in the cache; the batch keeps such rows in separate cohorts
 * when the graph derives positions from the past length, since padding would shift them. The cohort
 * owns two caches that trade places ("ping-pong"): a step reads its past from one and writes its
 * present into the other, and a join or leave copies the kept rows from one into the other.
 */
final class DecodeCohort implements AutoCloseable {
  private final List<Sequence> rows = new ArrayList<>();
  private KvCache cache;
  private KvCache spare;

  /** A cohort keeping its keys and values in two caches (their buffers reused, whatever they held). */
  DecodeCohort(KvCache cache, KvCache spare) {
    this.cache = cache;
    this.spare = spare;
  }

  /** Hands back both caches, buffers kept, once the cohort has no rows left. */
  List<KvCache> release() {
    return List.of(cache, spare);
  }

  List<Sequence> rows() {
    return rows;
  }

  /** Bytes of keys and values the rows hold now. */
  long kvBytes() {
    return cache.bytes();
  }

  /** Bytes of direct memory both caches keep. */
  long kvCapacityBytes() {
    return cache.capacityBytes() + spare.capacityBytes();
  }

  /**
   * Adds prefilled rows and, when decoding with a cache, copies their keys and values from
   * {@code present} (left untouched, still the caller's) beside the rows already here.
   */
  void join(List<Sequence> group, KvCache present) {
    if (present != null) {
      List<KvCache.Slice> slices = new ArrayList<>(slices(cache, rows));
      slices.addAll(slices(present, group));
      List<Sequence> joined = new ArrayList<>(rows);
      joined.addAll(group);
      spare.reserve(reach(joined));
      spare.gather(slices);
      swap();
    }
    rows.addAll(group);
  }

  /** One step with the cache: each row's last token, its position and its padded mask; the present goes to the spare. */
  DecodeStep nextStep() {
    int n = rows.size();
    int past = cache.length();
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
    spare.reserve(reach(rows));
    return new DecodeStep(n, 1, ids, mask, positions, cache, spare);
  }

  /** Token slots the rows may come to hold: their count times the longest any may grow to. */
  private static long reach(List<Sequence> sequences) {
    return (long) sequences.size() * sequences.stream().mapToInt(Sequence::longest).max().orElse(0);
  }

  /** Makes the present the last step wrote into the spare the current cache. */
  void advanceCache() {
    swap();
  }

  /** Removes the finished rows and returns them; the cache shrinks to the rows left. */
  List<Sequence> evictFinished() {
    List<Sequence> finished = rows.stream().filter(Sequence::finished).toList();
    if (finished.isEmpty()) {
      return finished;
    }
    if (cache.rows() > 0) {
      List<KvCache.Slice> kept = new ArrayList<>();
      for (int r = 0; r < rows.size(); r++) {
        if (!rows.get(r).finished()) {
          kept.add(new KvCache.Slice(cache, r, rows.get(r).length() - 1));
        }
      }
      spare.gather(kept);
      swap();
    }
    rows.removeAll(finished);
    return finished;
  }

  private void swap() {
    KvCache current = cache;
    cache = spare;
    spare = current;
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
    cache.close();
    spare.close();
    rows.clear();
  }
}
