package io.inferencegraph.model.generate;

import io.inferencegraph.api.TokenLogprob;
import java.util.List;

/**
 * One generated sequence: {@code generatedText} is the prompt followed by the continuation, as
 * Hugging Face's text-generation pipeline returns it; {@code tokenIds} are the new tokens (with
 * eos if produced). {@code droppedPromptTokens} is 0: a prompt too long for the context is refused,
 * never cut (the count stays for the wire's {@code prompt_truncated}). {@code logprobs}: one entry per
 * new token when the request asked for them, else null.
 */
public record Generation(
    String generatedText,
    int promptTokens,
    int droppedPromptTokens,
    List<Long> tokenIds,
    String finishReason,
    List<TokenLogprob> logprobs) {

  public Generation {
    logprobs = logprobs == null ? null : List.copyOf(logprobs);
  }

  /** A generation without logprobs. */
  public Generation(String generatedText, int promptTokens, int droppedPromptTokens, List<Long> tokenIds,
      String finishReason) {
    this(generatedText, promptTokens, droppedPromptTokens, tokenIds, finishReason, null);
  }

  public int newTokens() {
    return tokenIds.size();
  }

  public boolean promptTruncated() {
    return droppedPromptTokens > 0;
  }
}
