package io.inferencegraph.model.decode;

import ai.onnxruntime.OrtException;
import java.nio.FloatBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sequences decoded together, one ONNX Runtime call per step and cohort. Sequences join between
 * steps (their prompts are prefilled, then their KV cache is merged in) and leave as soon as they
 * finish, so a caller can run continuous batching on top. With a {@code position_ids} input every
 * row shares one cohort, left-padded; a graph that derives positions from the past length would
 * shift a padded row, so there only rows of equal length share a cohort. Not thread-safe: one owner drives it.
 */
public final class DecodeBatch implements AutoCloseable {
  /**
   * Largest prefill logits tensor, in floats, before a joining group is split (32 MB). The graph
   * returns logits for every prompt position though only the last is used, so this buffer is pure
   * overhead: 16 prompts of 40 tokens would take 129 MB on gpt2's vocabulary.
   */
  private static final long PREFILL_LOGITS_BUDGET = 1L << 23;

  private final DecoderGraph graph;
  private final boolean useCache;
  private final boolean equalLengthsOnly;
  private final long padId;
  private final int candidates;
  private final LogitsScratch scratch = new LogitsScratch(PREFILL_LOGITS_BUDGET);
  private final List<DecodeCohort> cohorts = new ArrayList<>();
  /** Where a joining group's prefill writes its keys and values before they are copied into a cohort. */
  private final KvCache prefilled;
  /** The zero-length past a prefill is fed, as optimum and transformers.js feed it. */
  private final KvCache emptyPast;
  /** Caches of cohorts that emptied, reused with their buffers by the next cohorts (at most two kept). */
  private final ArrayDeque<KvCache> pool = new ArrayDeque<>();

  public DecodeBatch(DecoderGraph graph, boolean useCache, long padId, int candidates) {
    this.graph = graph;
    this.useCache = useCache && graph.kind != DecoderGraph.Kind.NO_PAST;
    this.equalLengthsOnly = graph.positionsFromPast();
    this.padId = padId;
    this.candidates = candidates;
    this.prefilled = new KvCache(graph);
    this.emptyPast = new KvCache(graph);
  }

  public int size() {
    return cohorts.stream().mapToInt(c -> c.rows().size()).sum();
  }

  public List<Sequence> rows() {
    return cohorts.stream().flatMap(c -> c.rows().stream()).toList();
  }

  /** Prefills the joining sequences, draws each one's first token and adds them to the batch. */
  public void admit(List<Sequence> joining) throws OrtException {
    for (List<Sequence> group : groups(joining)) {
      DecodeStep.Output output = runFull(group);
      advance(group, output.lastLogits());
      cohortFor(group.get(0)).join(group, output.present());
    }
  }

  /** Feeds every sequence its last token and draws the next one. */
  public void step() throws OrtException {
    for (DecodeCohort cohort : cohorts) {
      if (cohort.rows().isEmpty()) {
        continue;
      }
      if (!useCache) {
        for (List<Sequence> group : groups(cohort.rows())) {
          advance(group, runFull(group).lastLogits());
        }
        continue;
      }
      DecodeStep.Output output = graph.run(cohort.nextStep(), scratch);
      cohort.advanceCache();
      advance(cohort.rows(), output.lastLogits());
    }
  }

  /** Bytes of keys and values the batch holds now (see {@link KvCache#bytes()}); 0 without a cache. */
  public long kvBytes() {
    return cohorts.stream().mapToLong(DecodeCohort::kvBytes).sum();
  }

  /** Bytes of direct memory the batch keeps for keys and values, spare buffers included. */
  public long kvCapacityBytes() {
    long pooled = pool.stream().mapToLong(KvCache::capacityBytes).sum();
    return pooled + prefilled.capacityBytes() + cohorts.stream().mapToLong(DecodeCohort::kvCapacityBytes).sum();
  }

  /** Removes the finished sequences and returns them; each cohort's cache shrinks to the ones left. */
  public List<Sequence> evictFinished() throws OrtException {
    List<Sequence> finished = new ArrayList<>();
    for (DecodeCohort cohort : cohorts) {
      finished.addAll(cohort.evictFinished());
    }
    for (DecodeCohort cohort : cohorts) {
      if (cohort.rows().isEmpty()) {
        for (KvCache cache : cohort.release()) {
          if (pool.size() < 2) {
            pool.push(cache); // its buffers serve the next cohort: no new allocation and page faults
          } else {
            cache.close();
          }
        }
      }
    }
    cohorts.removeIf(cohort -> cohort.rows().isEmpty());
    return finished;
  }

  /** The cohort a prefilled sequence joins: the only one, or the one whose rows have its length. */
  private DecodeCohort cohortFor(Sequence sequence) {
    for (DecodeCohort cohort : cohorts) {
      if (!equalLengthsOnly || cohort.rows().get(0).length() == sequence.length()) {
        return cohort;
      }
    }
    DecodeCohort cohort = new DecodeCohort(pooled(), pooled());
    cohorts.add(cohort);
    return cohort;
  }

  private KvCache pooled() {
    return pool.isEmpty() ? new KvCache(graph) : pool.pop();
  }

  private void advance(List<Sequence> group, FloatBuffer lastLogits) {
    for (int r = 0; r < group.size(); r++) {
      group.get(r).advance(lastLogits, r * graph.signature.vocab, candidates);
    }
  }

  private DecodeStep.Output runFull(List<Sequence> group) throws OrtException {
    return graph.run(fullStep(group), scratch);
  }

  /**
   * Every token of each sequence, left-padded to the longest, with the attention mask and the
   * position ids Hugging Face derives from it (cumulative sum minus one, padding at 1).
   */
  private DecodeStep fullStep(List<Sequence> group) {
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
    boolean hasPast = graph.kind != DecoderGraph.Kind.NO_PAST;
    return new DecodeStep(n, length, ids, mask, positions, hasPast ? emptyPast.reshape(n, 0) : null,
        useCache ? prefilled : null);
  }

  /** Prefill groups: split to bound the logits tensor and, where positions come from the past, by length. */
  private List<List<Sequence>> groups(List<Sequence> sequences) {
    Map<Integer, List<Sequence>> byLength = new LinkedHashMap<>();
    for (Sequence sequence : sequences) {
      byLength.computeIfAbsent(equalLengthsOnly ? sequence.length() : 0, k -> new ArrayList<>()).add(sequence);
    }
    List<List<Sequence>> groups = new ArrayList<>();
    byLength.values().forEach(sameKey -> groups.addAll(withinBudget(sameKey)));
    return groups;
  }

  private List<List<Sequence>> withinBudget(List<Sequence> sequences) {
    List<List<Sequence>> groups = new ArrayList<>();
    List<Sequence> current = new ArrayList<>();
    int longest = 0;
    for (Sequence sequence : sequences) {
      int candidateLongest = Math.max(longest, sequence.length());
      if (!current.isEmpty() && (long) (current.size() + 1) * candidateLongest * graph.signature.vocab > PREFILL_LOGITS_BUDGET) {
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
    cohorts.forEach(DecodeCohort::close);
    cohorts.clear();
    prefilled.close();
    emptyPast.close();
    pool.forEach(KvCache::close);
    pool.clear();
    scratch.free();
  }
}
