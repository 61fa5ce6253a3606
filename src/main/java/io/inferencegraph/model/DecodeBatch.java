package io.inferencegraph.model;

import ai.onnxruntime.OrtException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Sequences decoded together, one ONNX Runtime call per step. Sequences join between steps (their
 * prompts are prefilled, then their KV cache is merged in) and leave as soon as they finish, so a
 * caller can run continuous batching on top. Not thread-safe: one owner drives it.
 */
final class DecodeBatch implements AutoCloseable {
  /** Largest prefill logits tensor, in floats, before a joining group is split (128 MB). */
  private static final long PREFILL_LOGITS_BUDGET = 1L << 25;

  private final DecoderGraph graph;
  private final boolean useCache;
  private final long padId;
  private final int candidates;
  private final DecoderGraph.Scratch scratch = new DecoderGraph.Scratch();
  private final List<Sequence> rows = new ArrayList<>();
  private KvCache cache;

  DecodeBatch(DecoderGraph graph, boolean useCache, long padId, int candidates) {
    this.graph = graph;
    this.useCache = useCache && graph.kind != DecoderGraph.Kind.NO_PAST;
    this.padId = padId;
    this.candidates = candidates;
  }

  int size() {
    return rows.size();
  }

  List<Sequence> rows() {
    return List.copyOf(rows);
  }

  /** Prefills the joining sequences, draws each one's first token and adds them to the batch. */
  void admit(List<Sequence> joining) throws OrtException {
    for (List<Sequence> group : groups(joining)) {
      DecoderGraph.Output output = runFull(group);
      advance(group, output.lastLogits());
      if (useCache) {
        merge(group, output.present());
      } else {
        rows.addAll(group);
      }
    }
  }

  /** Feeds every sequence its last token and draws the next one. */
  void step() throws OrtException {
    if (rows.isEmpty()) {
      return;
    }
    if (!useCache) {
      for (List<Sequence> group : groups(rows)) {
        advance(group, runFull(group).lastLogits());
      }
      return;
    }
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
    DecoderGraph.Output output = graph.run(new DecoderGraph.Step(n, 1, ids, mask, positions, cache), scratch);
    cache.close();
    cache = output.present();
    advance(rows, output.lastLogits());
  }

  /** Removes the finished sequences and returns them; the cache shrinks to the ones left. */
  List<Sequence> evictFinished() throws OrtException {
    List<Sequence> finished = rows.stream().filter(Sequence::finished).toList();
    if (finished.isEmpty()) {
      return finished;
    }
    List<KvCache.Slice> kept = new ArrayList<>();
    for (int r = 0; r < rows.size(); r++) {
      if (!rows.get(r).finished()) {
        kept.add(new KvCache.Slice(cache, r, rows.get(r).length() - 1));
      }
    }
    rows.removeAll(finished);
    if (cache != null) {
      KvCache old = cache;
      cache = rows.isEmpty() ? null : KvCache.gather(graph, kept);
      old.close();
    }
    return finished;
  }

  private void merge(List<Sequence> group, KvCache present) throws OrtException {
    if (rows.isEmpty()) {
      cache = present;
      rows.addAll(group);
      return;
    }
    List<KvCache.Slice> slices = new ArrayList<>();
    for (int r = 0; r < rows.size(); r++) {
      slices.add(new KvCache.Slice(cache, r, rows.get(r).length() - 1));
    }
    for (int r = 0; r < group.size(); r++) {
      slices.add(new KvCache.Slice(present, r, group.get(r).length() - 1));
    }
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

  private void advance(List<Sequence> group, FloatBuffer lastLogits) {
    for (int r = 0; r < group.size(); r++) {
      group.get(r).advance(lastLogits, r * graph.vocab, candidates);
    }
  }

  private DecoderGraph.Output runFull(List<Sequence> group) throws OrtException {
    DecoderGraph.Step step = fullStep(group);
    try {
      DecoderGraph.Output output = graph.run(step, scratch);
      if (!useCache && output.present() != null) {
        output.present().close(); // recomputing: the cache is not kept
      }
      return output;
    } finally {
      if (step.past() != null) {
        step.past().close();
      }
    }
  }

  /**
   * Every token of each sequence, left-padded to the longest, with the attention mask and the
   * position ids Hugging Face derives from it (cumulative sum minus one, padding at 1).
   */
  private DecoderGraph.Step fullStep(List<Sequence> group) {
    int n = group.size();
    int length = group.stream().mapToInt(Sequence::length).max().orElse(0);
    long[] ids = new long[n * length];
    long[] mask = new long[n * length];
    long[] positions = new long[n * length];
    Arrays.fill(ids, padId);
    Arrays.fill(positions, 1L);
    for (int r = 0; r < n; r++) {
      Sequence sequence = group.get(r);
      int padding = length - sequence.length();
      for (int i = 0; i < sequence.length(); i++) {
        int at = r * length + padding + i;
        ids[at] = sequence.token(i);
        mask[at] = 1L;
        positions[at] = i;
      }
    }
    return new DecoderGraph.Step(n, length, ids, mask, positions, emptyPast(n));
  }

  private KvCache emptyPast(int n) {
    if (graph.kind == DecoderGraph.Kind.NO_PAST) {
      return null;
    }
    try {
      return KvCache.empty(graph, n);
    } catch (OrtException e) {
      throw new IllegalStateException("cannot create an empty KV cache", e);
    }
  }

  private List<List<Sequence>> groups(List<Sequence> sequences) {
    List<List<Sequence>> groups = new ArrayList<>();
    List<Sequence> current = new ArrayList<>();
    int longest = 0;
    for (Sequence sequence : sequences) {
      int candidateLongest = Math.max(longest, sequence.length());
      if (!current.isEmpty() && (long) (current.size() + 1) * candidateLongest * graph.vocab > PREFILL_LOGITS_BUDGET) {
        groups.add(current);
        current = new ArrayList<>();
        candidateLongest = sequence.length();
      }
      current.add(sequence);
      longest = candidateLongest;
    }
    if (!current.isEmpty()) {
      groups.add(current);
    }
    return groups;
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
