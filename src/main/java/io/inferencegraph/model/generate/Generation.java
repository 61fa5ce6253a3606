package io.inferencegraph.model.generate;

import java.util.List;

/**
 * One generated sequence: {@code generatedText} is the prompt followed by the continuation, as
 * Hugging Face's text-generation pipeline returns it; {@code tokenIds} are the new tokens (with
 * eos if produced). {@code droppedPromptTokens} counts tokens cut from the left of a prompt too
 * long for the model's context.
 */
public record Generation(
    String generatedText,
    int promptTokens,
    int droppedPromptTokens,
    List<Long> tokenIds,
    String finishReason) {

  public int newTokens() {
    return tokenIds.size();
  }

  public boolean promptTruncated() {
    return droppedPromptTokens > 0;
  }
}
