package io.inferencegraph.model;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** One request in a {@link ContinuousBatcher}: its sequences, its stream of text, its deadline, its answer. */
final class PendingGeneration {
  final String prompt;
  final List<Sequence> sequences;
  final int tokens;
  final TokenStream stream;
  final long deadlineNanos;
  final long enqueued = System.nanoTime();
  final CompletableFuture<ContinuousBatcher.Result> future = new CompletableFuture<>();
  long admitted;
  int unfinished;
  int batchSize;
  /** Its tokens count in {@code tokensInFlight}: from admission until it ends or is dropped. */
  boolean holdsTokens;

  PendingGeneration(String prompt, List<Sequence> sequences, TokenStream stream, long deadlineNanos) {
    this.prompt = prompt;
    this.sequences = sequences;
    this.stream = stream;
    this.deadlineNanos = deadlineNanos;
    this.unfinished = sequences.size();
    this.tokens = sequences.stream().mapToInt(s -> s.promptLength + s.maxNewTokens).sum();
  }

  boolean expired(long now) {
    return deadlineNanos != ContinuousBatcher.NO_DEADLINE && now - deadlineNanos >= 0;
  }

  /** The caller cancelled the future (it went away) or the deadline passed: no more work for it. */
  boolean dead(long now) {
    return future.isCancelled() || (!future.isDone() && expired(now));
  }
}
