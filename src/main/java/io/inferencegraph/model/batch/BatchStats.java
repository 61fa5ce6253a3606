package io.inferencegraph.model.batch;

/**
 * How a request went through a batching queue: time waiting before it was admitted, time from
 * admission to its answer, and the largest batch it was part of.
 */
public record BatchStats(long queuedNanos, long runNanos, int batchSize) {}
