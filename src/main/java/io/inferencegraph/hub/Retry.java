package io.inferencegraph.hub;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Tries an exchange a few times: after a connection failure, a 429 or a 5xx, waits (the server's Retry-After, else an
 * exponential backoff) and tries again; gives up with a NETWORK HubException naming what failed.
 */
final class Retry {
  /** How many tries, how long to wait and how; tests shrink the delays or record them. */
  record Policy(int attempts, Duration firstDelay, Duration maxDelay, Sleeper sleeper) {
    static Policy defaults() {
      return new Policy(5, Duration.ofSeconds(1), Duration.ofSeconds(30), wait -> Thread.sleep(wait.toMillis()));
    }
  }

  /** Waits between tries. */
  interface Sleeper {
    void sleep(Duration wait) throws InterruptedException;
  }

  /** One try; throws {@link RetryableStatus} or IOException to be tried again. */
  interface Attempt<T> {
    T run() throws IOException, RetryableStatus;
  }

  /** An answer worth trying again: 429 or 5xx, with the server's Retry-After if it sent one. */
  static final class RetryableStatus extends Exception {
    final int status;
    final Optional<Duration> retryAfter;

    RetryableStatus(int status, Optional<Duration> retryAfter) {
      super("HTTP " + status, null, false, false);
      this.status = status;
      this.retryAfter = retryAfter;
    }
  }

  private final Policy policy;

  Retry(Policy policy) {
    this.policy = policy;
  }

  static boolean retryable(int status) {
    return status == 429 || status >= 500;
  }

  /** Retry-After in seconds (the HTTP-date form is rare on the Hub and falls back to the backoff). */
  static Optional<Duration> retryAfter(Transport.Response response) {
    return response.header("Retry-After").flatMap(value -> {
      try {
        return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value))));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    });
  }

  <T> T run(String what, Attempt<T> attempt) {
    return run(what, () -> 0, attempt);
  }

  /**
   * As {@link #run(String, Attempt)}, but a try after which {@code reached} has grown made progress: the count of
   * tries and the backoff start over, as huggingface_hub's http_get does, so a link that drops often still finishes.
   */
  <T> T run(String what, LongSupplier reached, Attempt<T> attempt) {
    Duration backoff = policy.firstDelay();
    for (int tried = 1; ; tried++) {
      Duration wait;
      String failure;
      long before = reached.getAsLong();
      try {
        return attempt.run();
      } catch (RetryableStatus e) {
        failure = "the server answered HTTP " + e.status;
        wait = e.retryAfter.orElse(backoff);
      } catch (IOException e) {
        failure = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        wait = backoff;
      }
      if (reached.getAsLong() > before) {
        tried = 0;
        backoff = policy.firstDelay();
        wait = backoff;
      } else if (tried >= policy.attempts()) {
        throw new HubException(HubException.Kind.NETWORK, what + " failed after " + tried + " tries: " + failure);
      }
      sleep(min(wait, policy.maxDelay()), what);
      backoff = min(backoff.multipliedBy(2), policy.maxDelay());
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private void sleep(Duration wait, String what) {
    try {
      policy.sleeper().sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HubException(HubException.Kind.NETWORK, what + " was interrupted");
    }
  }
}
