package io.inferencegraph.telemetry;

/**
 * What one inference cost: prompt and generated tokens, the size of the batch it ran in, the time
 * it waited in the queue and the time it spent in ONNX Runtime (from joining the batch to its answer).
 */
public record InferenceStats(int promptTokens, int newTokens, int batchSize, long queueNanos, long inferenceNanos) {}
