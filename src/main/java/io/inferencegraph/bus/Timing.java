package io.inferencegraph.bus;

/** When a model stage ran, in wall-clock microseconds (comparable across nodes with synchronised clocks). */
public record Timing(long startedMicros, long endedMicros) {}
