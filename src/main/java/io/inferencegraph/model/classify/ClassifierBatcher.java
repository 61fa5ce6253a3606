package io.inferencegraph.model.classify;

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
 * Batches a classifier across concurrent requests: the texts waiting when the model is free are
 * classified in one ONNX Runtime call, each answered with its own result.
 */
public final class ClassifierBatcher implements BatchWork<ClassifierBatcher.Pending>, Batcher {
  /** A text's classification and how it went through the batch. */
  public record Result(Classification classification, BatchStats stats) {}

  static final class Pending {
    final String text;
    final long enqueued = System.nanoTime();
    final CompletableFuture<Result> future = new CompletableFuture<>();

    Pending(String text) {
      this.text = text;
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
   * Queues a text; a full queue throws {@link OverloadedException} at once, a shutdown
   * {@link ModelClosedException}.
   */
  public CompletableFuture<Result> submit(String text) {
    Pending pending = new Pending(text);
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
      queue.awaitCompany(limits.maxBatchSize() - 1);
    }
    List<Pending> batch = new ArrayList<>(List.of(first));
    queue.drainTo(batch, limits.maxBatchSize() - 1);
    long start = System.nanoTime();
    try {
      List<Classification> results = classifier.classify(batch.stream().map(p -> p.text).toList());
      long now = System.nanoTime();
      observer.onStep(batch.size(), now - start, queue.size());
      for (int i = 0; i < batch.size(); i++) {
        Pending pending = batch.get(i);
        pending.future.complete(new Result(results.get(i),
            new BatchStats(start - pending.enqueued, now - start, batch.size())));
      }
    } catch (RuntimeException | Error e) {
      batch.forEach(pending -> pending.future.completeExceptionally(e));
    }
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
