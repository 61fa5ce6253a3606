package io.inferencegraph.model.generate;

import io.inferencegraph.api.Deadline;
import io.inferencegraph.model.decode.Sequence;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** One request in a {@link ContinuousBatcher}: its sequences, its stream of text, its deadline, its answer. */
final class PendingGeneration {
  final String prompt;
  final List<Sequence> sequences;
  /** The longest any of its sequences may grow to: prompt plus max new tokens. */
  final int longest;
  final TokenStream stream;
  final Deadline deadline;
  final long enqueued = System.nanoTime();
  final CompletableFuture<ContinuousBatcher.Result> future = new CompletableFuture<>();
  long admitted;
  int unfinished;
  int batchSize;
  /** Admitted to the batch and not yet answered, failed or dropped. */
  boolean running;

  PendingGeneration(String prompt, List<Sequence> sequences, TokenStream stream, Deadline deadline) {
    this.prompt = prompt;
    this.sequences = sequences;
    this.stream = stream;
    this.deadline = deadline;
    this.unfinished = sequences.size();
    this.longest = sequences.stream().mapToInt(Sequence::longest).max().orElse(0);
  }

  boolean expired(long now) {
    return deadline.passed(now);
  }

  /** The caller cancelled the future (it went away) or the deadline passed: no more work for it. */
  boolean dead(long now) {
    return future.isCancelled() || (!future.isDone() && expired(now));
  }
}
