package io.inferencegraph.model.decode;

import io.inferencegraph.api.GenerationParams;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * One sequence being generated: its tokens so far, its sampler and when it must stop. Outside this
 * package it is read-only, but for {@link #abort}; only a {@link DecodeBatch} step advances it.
 */
public final class Sequence {
  private final int promptLength;
  private final int droppedPromptTokens;
  private final int maxNewTokens;
  private final int minNewTokens;
  private final long[] tokens;
  private final Sampler sampler;
  private final Set<Long> eos;
  private List<String> stopStrings = List.of();
  private double repetitionPenalty = 1.0;
  private int noRepeatNgramSize;
  private long[][] badWords = {};
  private LogprobTrace logprobs;
  private int length;
  private String finishReason;
  private String stoppedText;

  /**
   * A sequence continuing {@code prompt} (already cut to fit: {@code droppedPromptTokens} were cut
   * from its left) by up to {@code maxNewTokens}, drawn as {@code params} say (resolved: every
   * sampling field set) from a random source seeded with {@code seed}, ending at any of {@code eos}.
   */
  public Sequence(long[] prompt, int droppedPromptTokens, int maxNewTokens, GenerationParams params, long seed,
      Set<Long> eos) {
    this(prompt, droppedPromptTokens, maxNewTokens, Math.min(params.minNewTokens(), maxNewTokens),
        new Sampler(params.doSample(), params.temperature(), params.topK(), params.topP(), seed), eos);
    if (params.stopStrings() != null) {
      this.stopStrings = params.stopStrings();
    }
    if (params.repetitionPenalty() != null) {
      this.repetitionPenalty = params.repetitionPenalty();
    }
    if (params.noRepeatNgramSize() != null) {
      this.noRepeatNgramSize = params.noRepeatNgramSize();
    }
    if (params.badWordsIds() != null) {
      this.badWords = badWords(params.badWordsIds(), eos);
    }
    if (params.logprobs() != null) {
      this.logprobs = new LogprobTrace(params.logprobs(), maxNewTokens);
    }
  }

  /** As transformers' NoBadWordsLogitsProcessor, a bad word that is one eos token alone is dropped: eos stays possible. */
  private static long[][] badWords(List<List<Long>> words, Set<Long> eos) {
    return words.stream().filter(word -> !(word.size() == 1 && eos.contains(word.get(0))))
        .map(word -> word.stream().mapToLong(Long::longValue).toArray()).toArray(long[][]::new);
  }

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

  public int length() {
    return length;
  }

  public int promptLength() {
    return promptLength;
  }

  /** Prompt tokens cut from its left; TextGenerator refuses a prompt too long for the context instead (0). */
  public int droppedPromptTokens() {
    return droppedPromptTokens;
  }

  public int maxNewTokens() {
    return maxNewTokens;
  }

  /** The length it may grow to: prompt plus max new tokens. */
  public int longest() {
    return promptLength + maxNewTokens;
  }

  long token(int index) {
    return tokens[index];
  }

  long lastToken() {
    return tokens[length - 1];
  }

  public boolean finished() {
    return finishReason != null;
  }

  public String finishReason() {
    return finishReason;
  }

  /**
   * Draws the next token from this sequence's row of logits (a buffer the caller owns; eos is
   * masked in place until {@code min_new_tokens}) and records whether the sequence ends here.
   */
  void advance(FloatBuffer logits, int offset, int candidates) {
    if (logprobs != null) {
      logprobs.keepRaw(logits, offset, candidates);
    }
    LogitsProcessors.repetitionPenalty(logits, offset, candidates, tokens, length, repetitionPenalty);
    LogitsProcessors.noRepeatNgram(logits, offset, candidates, tokens, length, noRepeatNgramSize);
    LogitsProcessors.badWords(logits, offset, candidates, tokens, length, badWords);
    if (length - promptLength < minNewTokens) {
      for (long id : eos) {
        if (id < candidates) {
          logits.put(offset + (int) id, Float.NEGATIVE_INFINITY);
        }
      }
    }
    long token = sampler.next(logits, offset, candidates);
    tokens[length++] = token;
    if (logprobs != null) {
      logprobs.chose(token, candidates);
    }
    if (eos.contains(token)) {
      finishReason = "eos";
    } else if (length - promptLength >= maxNewTokens) {
      finishReason = "length";
    }
  }

  /** The logprobs it asked for, token by token; null if it asked for none. */
  public LogprobTrace logprobs() {
    return logprobs;
  }

  /** Strings whose appearance in the decoded continuation ends the sequence (checked by whoever decodes it). */
  public List<String> stopStrings() {
    return stopStrings;
  }

  /**
   * A stop string appeared: the sequence ends with its first {@code newTokens} new tokens (those
   * before the stop string), and its continuation is {@code text}, cut where the stop string starts.
   */
  public void stop(int newTokens, String text) {
    if (newTokens < 0 || promptLength + newTokens > length) {
      throw new IllegalArgumentException("cannot keep " + newTokens + " of " + (length - promptLength) + " new tokens");
    }
    length = promptLength + newTokens;
    if (logprobs != null) {
      logprobs.cut(newTokens);
    }
    stoppedText = text;
    finishReason = "stop";
  }

  /** The continuation cut at a stop string, or null if none stopped it. */
  public String stoppedText() {
    return stoppedText;
  }

  /** Ends the sequence where it stands; the batch drops it at the next eviction. */
  public void abort() {
    finishReason = "error";
  }

  public long[] promptIds() {
    return Arrays.copyOf(tokens, promptLength);
  }

  /** The generated ids, the eos token included if it was produced. */
  public long[] newIds() {
    return Arrays.copyOfRange(tokens, promptLength, length);
  }
}
