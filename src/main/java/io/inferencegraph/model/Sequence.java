package io.inferencegraph.model;

import java.util.Arrays;
import java.util.Set;

/** One sequence being generated: its tokens so far, its sampler and when it must stop. */
final class Sequence {
  final int promptLength;
  final int droppedPromptTokens;
  final int maxNewTokens;
  private final int minNewTokens;
  private final long[] tokens;
  private final Sampler sampler;
  private final Set<Long> eos;
  private int length;
  private String finishReason;
  /** The prompt decoded, kept once computed (by the batch loop's thread only). */
  String promptText;

  Sequence(long[] prompt, int droppedPromptTokens, int maxNewTokens, int minNewTokens, Sampler sampler, Set<Long> eos) {
    this.minNewTokens = minNewTokens;
    this.promptLength = prompt.length;
    this.droppedPromptTokens = droppedPromptTokens;
    this.maxNewTokens = maxNewTokens;
    this.tokens = Arrays.copyOf(prompt, prompt.length + maxNewTokens);
    this.length = prompt.length;
    this.sampler = sampler;
    this.eos = eos;
  }

  int length() {
    return length;
  }

  /** The length it may grow to: prompt plus max new tokens. */
  int longest() {
    return promptLength + maxNewTokens;
  }

  long token(int index) {
    return tokens[index];
  }

  long lastToken() {
    return tokens[length - 1];
  }

  boolean finished() {
    return finishReason != null;
  }

  String finishReason() {
    return finishReason;
  }

  /**
   * Draws the next token from this sequence's row of logits (a buffer the caller owns; eos is
   * masked in place until {@code min_new_tokens}) and records whether the sequence ends here.
   */
  void advance(java.nio.FloatBuffer logits, int offset, int candidates) {
    if (length - promptLength < minNewTokens) {
      for (long id : eos) {
        if (id < candidates) {
          logits.put(offset + (int) id, Float.NEGATIVE_INFINITY);
        }
      }
    }
    long token = sampler.next(logits, offset, candidates);
    tokens[length++] = token;
    if (eos.contains(token)) {
      finishReason = "eos";
    } else if (length - promptLength >= maxNewTokens) {
      finishReason = "length";
    }
  }

  /** Ends the sequence where it stands; the batch drops it at the next eviction. */
  void abort() {
    finishReason = "error";
  }

  long[] promptIds() {
    return Arrays.copyOf(tokens, promptLength);
  }

  /** The generated ids, the eos token included if it was produced. */
  long[] newIds() {
    return Arrays.copyOfRange(tokens, promptLength, length);
  }
}
