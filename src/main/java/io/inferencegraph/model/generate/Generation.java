package io.inferencegraph.model.generate;

import java.util.List;

/**
 * One generated sequence: {@code generatedText} is the prompt followed by the continuation, as
 * Hugging Face's text-generation pipeline returns it; {@code tokenIds} are the new tokens (with
 * eos if produced). {@code droppedPromptTokens} is 0: a prompt too long for the context is refused,
 * never cut (the count stays for the wire's {@code prompt_truncated}).
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
