package io.inferencegraph.model.decode;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The logprobs a sequence asked for (OpenAI's {@code logprobs}): per new token, its step's
 * {@link TopLogprobs.Step}, from the model's raw logits (before the logits processors, temperature,
 * top-k and top-p, as vLLM's default "raw logprobs"), and where its text ends in the continuation.
 * The raw row is copied into one scratch row kept for the sequence's life, since the processors
 * change the row in place before the sampler sees it.
 */
public final class LogprobTrace {
  private final int top;
  private final List<TopLogprobs.Step> steps = new ArrayList<>();
  private final int[] textEnds;
  /** How many tokens' text ends are known. */
  private int ended;
  private FloatBuffer raw;

  LogprobTrace(int top, int maxNewTokens) {
    this.top = top;
    this.textEnds = new int[maxNewTokens];
  }

  /** How many alternatives each step lists (0 to 5). */
  public int top() {
    return top;
  }

  /** Keeps the row as the model gave it, before anything changes it. */
  void keepRaw(FloatBuffer logits, int offset, int candidates) {
    if (raw == null || raw.capacity() < candidates) {
      raw = FloatBuffer.allocate(candidates);
    }
    raw.put(0, logits, offset, candidates);
  }

  /** Records the step that chose {@code token} from the row kept by {@link #keepRaw}. */
  void chose(long token, int candidates) {
    steps.add(TopLogprobs.of(raw, 0, candidates, token, top));
  }

  /** A stop string cut the sequence to its first {@code newTokens} new tokens. */
  void cut(int newTokens) {
    steps.subList(newTokens, steps.size()).clear();
  }

  /** The steps of the new tokens so far, in order. */
  public List<TopLogprobs.Step> steps() {
    return steps;
  }

  /**
   * Its first {@code tokens} new tokens decode to {@code length} characters of continuation (whole
   * characters: a trailing half character not counted): where token {@code tokens - 1}'s text ends,
   * never before an earlier token's.
   */
  public void textEnd(int tokens, int length) {
    textEnds[tokens - 1] = tokens > 1 ? Math.max(length, textEnds[tokens - 2]) : length;
    ended = Math.max(ended, tokens);
  }

  /** How many of the first new tokens have a known text end. */
  public int ended() {
    return ended;
  }

  /** Where the text of new token {@code index} ends; only for an index below {@link #ended}. */
  public int textEnd(int index) {
    return textEnds[index];
  }

  /**
   * Where the text of new token {@code index} starts in a continuation of {@code length} characters:
   * where the one before it ended (0 for the first), never past the text.
   */
  public int textOffset(int index, int length) {
    return index == 0 ? 0 : Math.min(textEnds[index - 1], length);
  }
}
