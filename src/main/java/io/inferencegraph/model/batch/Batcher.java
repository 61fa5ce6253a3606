package io.inferencegraph.model.batch;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A model's batcher as its owner sees it: something to shut down once, then close the model. */
public interface Batcher extends AutoCloseable {
  /** The queue the batcher feeds its model from. */
  BatchQueue<?> queue();

  /** Stops intake and lets accepted requests finish for up to {@link BatchQueue#DRAIN}. */
  default CompletableFuture<Void> shutdown() {
    return shutdown(BatchQueue.DRAIN);
  }

  default CompletableFuture<Void> shutdown(Duration drain) {
    return queue().shutdown(drain);
  }

  /** Shuts down and waits for the loop to end: at most the drain deadline plus one batch step. */
  @Override
  default void close() {
    shutdown().join();
  }
}
