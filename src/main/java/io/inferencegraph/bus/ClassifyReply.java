package io.inferencegraph.bus;

/** The classifier's answer to one {@link ClassifyRequest}: the top label, its probability, when it ran. */
public record ClassifyReply(String requestId, String model, String label, double score, Timing timing) {}
