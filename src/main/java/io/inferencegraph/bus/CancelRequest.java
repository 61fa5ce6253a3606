package io.inferencegraph.bus;

/**
 * The caller of {@code requestId} went away or ran out of time: published on a model's cancel
 * address, so that whichever node and instance holds the request drops its queued or running work.
 */
public record CancelRequest(String requestId) {}
