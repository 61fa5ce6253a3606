package io.inferencegraph.graph;

import io.inferencegraph.bus.ClassifyReply;
import io.inferencegraph.bus.GenerateReply;

/** One entry of the graph's answer: a generated sequence, the generator that made it, and its classification. */
public record Answer(GenerateReply generated, GenerateReply.Sequence sequence, ClassifyReply classified) {}
