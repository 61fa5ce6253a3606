package io.inferencegraph.model.classify;

import io.inferencegraph.api.ErrorCode;
import io.inferencegraph.api.ServiceException;
import io.inferencegraph.model.batch.BatchLimits;
import io.inferencegraph.model.batch.BatchObserver;
import io.inferencegraph.model.batch.BatchQueue;
import io.inferencegraph.model.batch.BatchStats;
import io.inferencegraph.model.batch.BatchWork;
import io.inferencegraph.model.batch.Batcher;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Batches a classifier across concurrent requests: the texts waiting when the model is free (up to
 * max_batch_size) are classified in one ONNX Runtime call, each request answered with its own
 * results. A request may carry several texts (a graph's batched map); they stay together.
 */
public final class ClassifierBatcher implements BatchWork<ClassifierBatcher.Pending>, Batcher {
  /** A request's classifications, one per text in order, and how it went through the batch. */
  public record Result(List<Classification> classifications, BatchStats stats) {}

  static final class Pending {
    final List<String> texts;
    final long enqueued = System.nanoTime();
    final CompletableFuture<Result> future = new CompletableFuture<>();

    Pending(List<String> texts) {
      this.texts = List.copyOf(texts);
    }
  }

  private final TextClassifier classifier;
  private final BatchLimits limits;
  private final BatchObserver observer;
  private final BatchQueue<Pending> queue;

  private ClassifierBatcher(TextClassifier classifier, BatchLimits limits, BatchObserver observer) {
    this.classifier = classifier;
    this.limits = limits;
    this.observer = observer;
    this.queue = BatchQueue.start(classifier.name(), limits, observer, this);
  }

  /** A batcher whose loop is running; {@link #close} or {@link #shutdown} ends it. */
  public static ClassifierBatcher start(TextClassifier classifier, BatchLimits limits, BatchObserver observer) {
    return new ClassifierBatcher(classifier, limits, observer);
  }

  /**
   * Queues texts to be classified together; a full queue throws a {@link ServiceException}
   * ({@link ErrorCode#OVERLOADED}) at once, as does a shutdown ({@link ErrorCode#SHUTTING_DOWN}).
   */
  public CompletableFuture<Result> submit(List<String> texts) {
    Pending pending = new Pending(texts);
    queue.offer(pending);
    return pending.future;
  }

  @Override
  public BatchQueue<?> queue() {
    return queue;
  }

  @Override
  public boolean busy() {
    return false;
  }

  @Override
  public void serve(Pending first, BatchQueue<Pending> queue) {
    if (limits.maxWaitMillis() > 0) {
      queue.awaitCompany(limits.maxBatchSize() - first.texts.size());
    }
    List<Pending> batch = new ArrayList<>(List.of(first));
    int texts = first.texts.size();
    for (Pending next = queue.peek(); next != null && texts + next.texts.size() <= limits.maxBatchSize();
        next = queue.peek()) {
      batch.add(queue.poll()); // only this thread takes, so the head we peeked at is the one we poll
      texts += next.texts.size();
    }
    long start = System.nanoTime();
    try {
      List<Classification> results = classify(batch.stream().flatMap(p -> p.texts.stream()).toList());
      long now = System.nanoTime();
      int offset = 0;
      for (Pending pending : batch) {
        List<Classification> own = results.subList(offset, offset + pending.texts.size());
        offset += pending.texts.size();
        pending.future.complete(new Result(List.copyOf(own),
            new BatchStats(start - pending.enqueued, now - start, Math.min(texts, limits.maxBatchSize()))));
      }
    } catch (RuntimeException | Error e) {
      batch.forEach(pending -> pending.future.completeExceptionally(e));
    }
  }

  /** One ONNX Runtime call per max_batch_size texts (more only when one request alone brings more). */
  private List<Classification> classify(List<String> texts) {
    List<Classification> results = new ArrayList<>();
    for (int from = 0; from < texts.size(); from += limits.maxBatchSize()) {
      List<String> chunk = texts.subList(from, Math.min(texts.size(), from + limits.maxBatchSize()));
      long start = System.nanoTime();
      results.addAll(classifier.classify(chunk));
      observer.onStep(chunk.size(), System.nanoTime() - start, queue.size());
    }
    return results;
  }

  @Override
  public void refuse(Pending pending, RuntimeException error) {
    pending.future.completeExceptionally(error);
  }

  @Override
  public void abandon(RuntimeException error) {
    // Nothing is in flight between calls: each call answers its whole batch.
  }
}
