package io.inferencegraph.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One generated token as OpenAI's {@code logprobs} lists it: its text (the tokenizer's decoding of
 * that id alone), its log-probability, the best alternatives' texts and log-probabilities, best
 * first (the token itself among them when it is not one of the best), and where its text starts in
 * the continuation.
 */
public record TokenLogprob(String token, double logprob, Map<String, Double> top, int textOffset) {
  public TokenLogprob {
    top = Collections.unmodifiableMap(new LinkedHashMap<>(top));
  }
}
