package io.inferencegraph.bus;

/**
 * A generator's progress on one sequence of {@code requestId}, sent to the request's stream address
 * while it decodes: {@code text} is what the sequence added (whole characters, may be empty), and
 * {@code finished} is set once, on the sequence's last event.
 */
public record GenerateEvent(String requestId, String model, int index, String text, GenerateReply.Sequence finished) {}
