package io.inferencegraph.model.generate;

import io.inferencegraph.api.Deadline;
import io.inferencegraph.api.ErrorCode;
import io.inferencegraph.api.GenerationParams;
import io.inferencegraph.api.ServiceException;
import io.inferencegraph.model.batch.BatchLimits;
import io.inferencegraph.model.batch.BatchObserver;
import io.inferencegraph.model.batch.BatchQueue;
import io.inferencegraph.model.batch.BatchStats;
import io.inferencegraph.model.batch.BatchWork;
import io.inferencegraph.model.batch.Batcher;
import io.inferencegraph.model.decode.DecodeBatch;
import io.inferencegraph.model.decode.Sequence;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Continuous batching for one decoder: waiting requests join the running batch at the next step
 * boundary, and each request is answered as soon as its own sequences finish. Every sequence keeps
 * its own parameters and random source, so its output is what it would be alone.
 */
public final class ContinuousBatcher implements BatchWork<PendingGeneration>, Batcher {
  /** A request's sequences and how they went through the batch. */
  public record Result(List<Generation> generations, BatchStats stats) {}

  private final TextGenerator generator;
  private final Map<Sequence, PendingGeneration> owners = new IdentityHashMap<>();
  private final BatchLimits limits;
  private final BatchObserver observer;
  private final BatchQueue<PendingGeneration> queue;
  private DecodeBatch batch;

  private ContinuousBatcher(TextGenerator generator, BatchLimits limits, BatchObserver observer) {
    this.generator = generator;
    this.limits = limits;
    this.observer = observer;
    this.queue = BatchQueue.start(generator.name(), limits, observer, this);
  }

  /** A batcher whose loop is running; {@link #close} or {@link #shutdown} ends it. */
  public static ContinuousBatcher start(TextGenerator generator, BatchLimits limits, BatchObserver observer) {
    return new ContinuousBatcher(generator, limits, observer);
  }

  /**
   * Queues a prompt. Bad parameters throw a {@link ServiceException} here ({@link ErrorCode#INVALID_PARAMETER}),
   * as do a full queue ({@link ErrorCode#OVERLOADED}) and a shutdown ({@link ErrorCode#SHUTTING_DOWN}, which may
   * also fail the future); otherwise the future fails only if ONNX Runtime does.
   */
  public CompletableFuture<Result> submit(String prompt, GenerationParams params) {
    return submit(prompt, params, TokenListener.NONE, Deadline.NONE);
  }

  /**
   * As {@link #submit(String, GenerationParams)}, with a listener that sees each sequence's text as
   * it is decoded, and a deadline: past it the request is dropped, queued or running, and fails
   * with a {@link ErrorCode#TIMEOUT}.
   * Cancelling the returned future drops the request's work at the next step boundary.
   */
  public CompletableFuture<Result> submit(String prompt, GenerationParams params, TokenListener listener,
      Deadline deadline) {
    return submit(prompt, generator.prepare(prompt, params), listener, deadline);
  }

  /** Queues sequences the generator {@link TextGenerator#prepare}d; each answer's text starts with {@code prompt}. */
  public CompletableFuture<Result> submit(String prompt, List<Sequence> sequences, TokenListener listener,
      Deadline deadline) {
    var pending = new PendingGeneration(prompt, sequences, new TokenStream(generator, listener, sequences), deadline);
    queue.offer(pending);
    return pending.future;
  }

  @Override
  public BatchQueue<?> queue() {
    return queue;
  }

  @Override
  public boolean busy() {
    return batch != null && batch.size() > 0;
  }

  @Override
  public void serve(PendingGeneration first, BatchQueue<PendingGeneration> queue) throws Exception {
    if (batch == null) {
      batch = generator.newBatch();
    }
    if (first != null && limits.maxWaitMillis() > 0) {
      queue.awaitCompany(limits.maxBatchSize() - first.sequences.size());
    }
    if (first != null && first.dead(System.nanoTime())) {
      drop(first);
      first = null;
    }
    dropDead();
    admit(first);
    if (batch.size() > 0) {
      step();
    }
  }

  private void admit(PendingGeneration first) throws Exception {
    List<PendingGeneration> joining = new ArrayList<>();
    int rows = batch.size();
    if (first != null) {
      joining.add(first);
      rows += first.sequences.size();
    }
    // Only this thread takes from the queue, so the head we peek at is the one we poll.
    for (PendingGeneration next = queue.peek(); next != null && (rows == 0 || fits(rows, next, joining)); next = queue.peek()) {
      joining.add(queue.poll());
      rows += next.sequences.size();
    }
    if (joining.isEmpty()) {
      return;
    }
    List<Sequence> sequences = new ArrayList<>();
    long now = System.nanoTime();
    for (PendingGeneration pending : joining) {
      pending.admitted = now;
      pending.running = true;
      pending.sequences.forEach(s -> owners.put(s, pending));
      sequences.addAll(pending.sequences);
    }
    try {
      batch.admit(sequences);
    } catch (Exception | Error e) {
      sequences.forEach(Sequence::abort); // a prompt that breaks prefill fails its own requests only
      joining.forEach(pending -> fail(pending, e));
    }
    joining.forEach(pending -> pending.stream.afterStep());
    finishDone();
  }

  /**
   * Whether {@code next} may join: rows within the batch size, and KV token slots within the budget.
   * The KV cache holds every row at the longest row's length (shorter rows are padded), so the slots
   * the batch may reach are its rows times the longest any row may grow to (prompt + max new tokens).
   */
  private boolean fits(int rows, PendingGeneration next, List<PendingGeneration> joining) {
    int longest = next.longest;
    for (PendingGeneration pending : joining) {
      longest = Math.max(longest, pending.longest);
    }
    for (Sequence sequence : batch.rows()) {
      longest = Math.max(longest, sequence.longest());
    }
    int total = rows + next.sequences.size();
    return total <= limits.maxBatchSize() && (long) total * longest <= limits.maxTokensInFlight();
  }

  private void step() throws Exception {
    long start = System.nanoTime();
    try {
      batch.step();
    } catch (Exception | Error e) {
      new ArrayList<>(owners.values()).forEach(pending -> fail(pending, e));
      batch.close();
      batch = generator.newBatch();
      throw e;
    }
    int size = batch.size();
    observer.onStep(size, System.nanoTime() - start, queue.size());
    observer.onKvCache(batch.kvBytes(), batch.kvCapacityBytes()); // before any reply: the gauge is current
    for (Sequence sequence : batch.rows()) {
      PendingGeneration pending = owners.get(sequence);
      pending.batchSize = Math.max(pending.batchSize, size);
    }
    owners.values().stream().distinct().filter(p -> !p.future.isDone()).forEach(p -> p.stream.afterStep());
    finishDone();
  }

  private void finishDone() throws Exception {
    for (Sequence sequence : batch.evictFinished()) {
      PendingGeneration pending = owners.remove(sequence);
      if (pending != null && !pending.stream.silent() && !pending.future.isDone()) {
        int index = pending.sequences.indexOf(sequence);
        Generation generation = generator.finish(pending.prompt, sequence);
        pending.stream.finished(index, generation, generation.generatedText().substring(pending.prompt.length()));
      }
      if (pending != null && --pending.unfinished == 0 && !pending.future.isDone()) {
        settle(pending);
        List<Generation> generations = pending.sequences.stream().map(s -> generator.finish(pending.prompt, s)).toList();
        long now = System.nanoTime();
        BatchStats stats = new BatchStats(pending.admitted - pending.enqueued, now - pending.admitted,
            Math.max(1, pending.batchSize));
        pending.future.complete(new Result(generations, stats));
      }
    }
  }

  private void fail(PendingGeneration pending, Throwable error) {
    settle(pending);
    pending.future.completeExceptionally(error);
    pending.sequences.forEach(owners::remove);
  }

  /** Marks the request as no longer running, so a later drop does not count it again. */
  private void settle(PendingGeneration pending) {
    pending.running = false;
  }

  /** Drops cancelled and expired requests: queued ones never start, running ones leave at the next eviction. */
  private void dropDead() throws Exception {
    long now = System.nanoTime();
    for (Iterator<PendingGeneration> waiting = queue.waiting(); waiting.hasNext(); ) {
      PendingGeneration pending = waiting.next();
      if (pending.dead(now) && queue.remove(pending)) {
        drop(pending);
      }
    }
    for (PendingGeneration pending : new ArrayList<>(owners.values())) {
      if (pending.running && pending.dead(now)) {
        pending.sequences.forEach(Sequence::abort);
        drop(pending);
      }
    }
    finishDone(); // the aborted rows leave the batch before the next step
  }

  private void drop(PendingGeneration pending) {
    settle(pending);
    if (pending.future.isCancelled()) {
      observer.onCancelled();
    } else {
      observer.onExpired();
      pending.future.completeExceptionally(new ServiceException(ErrorCode.TIMEOUT, 
          generator.name() + ": the request's deadline passed before it was done; its work was dropped"));
    }
  }

  @Override
  public void refuse(PendingGeneration pending, RuntimeException error) {
    pending.future.completeExceptionally(error);
  }

  @Override
  public void abandon(RuntimeException error) {
    new ArrayList<>(owners.values()).forEach(pending -> fail(pending, error));
    if (batch != null) {
      batch.close();
      batch = null;
    }
  }
}
