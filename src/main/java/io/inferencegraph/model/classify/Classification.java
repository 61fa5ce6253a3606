package io.inferencegraph.model.classify;

import java.util.Map;

/**
 * The top label of one text and its score, as Hugging Face's text-classification pipeline reports
 * it (a probability; the raw logit for a regression model), with every label's score and whether
 * the input was cut to the model's maximum.
 */
public record Classification(String label, double score, Map<String, Double> scores, int tokens, boolean truncated) {}
