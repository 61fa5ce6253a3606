package io.inferencegraph.model.batch;

/**
 * Limits of one model's batching: sequences decoded together, tokens they may reserve (prompt plus
 * new tokens, the KV cache they can grow to), requests waiting, and how long a request arriving
 * at an idle model waits for company (0: never delay a request to fill a batch).
 */
public record BatchLimits(int maxBatchSize, int maxTokensInFlight, int maxQueue, long maxWaitMillis) {
  public BatchLimits {
    if (maxBatchSize < 1 || maxTokensInFlight < 1 || maxQueue < 1 || maxWaitMillis < 0) {
      throw new IllegalArgumentException("batch limits must be positive: " + this);
    }
  }
}
