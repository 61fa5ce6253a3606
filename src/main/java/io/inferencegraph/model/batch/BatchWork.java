package io.inferencegraph.model.batch;

/**
 * What a {@link BatchQueue}'s thread does with one model's requests: the model-specific half of a
 * batcher. Every method runs on that one thread, so an implementation needs no locking of its own.
 */
public interface BatchWork<R> {
  /**
   * Serves the requests at hand: {@code first} was just taken from the queue (null when the model
   * is {@link #busy} and the call is for the work it already holds); more may be taken from
   * {@code queue}. Called again for as long as the queue is open or work remains.
   */
  void serve(R first, BatchQueue<R> queue) throws Exception;

  /** Whether requests are in flight, so the loop must call {@link #serve} without waiting for a new one. */
  boolean busy();

  /** Fails a request that was queued but never served. */
  void refuse(R request, RuntimeException error);

  /** Fails the requests in flight and frees what they hold; runs as the loop ends. */
  void abandon(RuntimeException error);
}
