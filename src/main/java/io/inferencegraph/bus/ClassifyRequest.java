package io.inferencegraph.bus;

/** Asks the classifier for the top label of {@code text}, for the HTTP request {@code requestId}. */
public record ClassifyRequest(String requestId, String text) {}
