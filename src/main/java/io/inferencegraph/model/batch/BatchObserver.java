package io.inferencegraph.model.batch;

/** One model's hooks for metrics: called on its batching thread, so implementations must be quick. */
public interface BatchObserver {
  BatchObserver NONE = new BatchObserver() {};

  /** One ONNX Runtime call over {@code batchSize} rows took {@code nanos}; {@code queued} requests wait. */
  default void onStep(int batchSize, long nanos, int queued) {}

  /** After each decode step: the KV bytes the batch holds and the direct memory kept for them. */
  default void onKvCache(long bytes, long capacityBytes) {}

  /** A request was refused because the queue was full. */
  default void onRejected() {}

  /** A request's caller gave up; its queued or running work was dropped at this step boundary. */
  default void onCancelled() {}

  /** A request's deadline passed; its queued or running work was dropped at this step boundary. */
  default void onExpired() {}
}
