package io.inferencegraph.model;

import java.util.Map;

/**
 * The top label of one text and its probability, as Hugging Face's text-classification pipeline
 * reports it, with every label's probability and whether the input was cut to the model's maximum.
 */
public record Classification(String label, double score, Map<String, Double> scores, int tokens, boolean truncated) {}
