package io.inferencegraph.model;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Batches a classifier across concurrent requests: the texts waiting when the model is free are
 * classified in one ONNX Runtime call, each answered with its own result.
 */
public final class ClassifierBatcher extends BatchQueue<ClassifierBatcher.Pending> {
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

  private ClassifierBatcher(TextClassifier classifier, BatchLimits limits, BatchObserver observer) {
    super(classifier.name(), limits, observer);
    this.classifier = classifier;
  }

  /** A batcher whose loop is running; {@link #close} or {@link #shutdown} ends it. */
  public static ClassifierBatcher start(TextClassifier classifier, BatchLimits limits, BatchObserver observer) {
    ClassifierBatcher batcher = new ClassifierBatcher(classifier, limits, observer);
    batcher.startLoop();
    return batcher;
  }

  /**
   * Queues a text; a full queue throws {@link OverloadedException} at once, a shutdown
   * {@link ModelClosedException}.
   */
  public CompletableFuture<Result> submit(String text) {
    Pending pending = new Pending(text);
    enqueue(pending);
    return pending.future;
  }

  @Override
  protected boolean busy() {
    return false;
  }

  @Override
  protected void serve(Pending first) {
    if (limits.maxWaitMillis() > 0) {
      awaitCompany(limits.maxBatchSize() - 1);
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
  protected void refuse(Pending pending, RuntimeException error) {
    pending.future.completeExceptionally(error);
  }

  @Override
  protected void abandon(RuntimeException error) {
    // Nothing is in flight between calls: each call answers its whole batch.
  }
}
