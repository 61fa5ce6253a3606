package io.inferencegraph.graph;

import io.inferencegraph.api.Deadline;
import io.inferencegraph.api.ErrorCode;
import io.inferencegraph.api.ServiceException;
import io.vertx.core.Future;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * When a model call is sent again: only when the node that held it left the cluster (or refused it
 * while shutting down, or the bus could not reach it), never when the request itself was at fault (a 4xx) or
 * timed out, never past the request's deadline, and at most {@code max} times. Each retry is told
 * to {@code counted} with the model and the reason. A retried generate call carries its attempt in
 * its request id ({@code id#r2}), so that events and replies of an earlier attempt can be told apart.
 * {@code rerouted} completes once the bus no longer routes an address to a node known gone: a retry
 * waits for it.
 */
public record Retries(int max, BiConsumer<String, String> counted, Function<String, Future<Void>> rerouted) {
  private static final String ATTEMPT = "#r";

  public static final Retries NONE = new Retries(0, (model, reason) -> { }, address -> Future.succeededFuture());

  /**
   * Why call {@code attempt} (1 is the first) of {@code model}, failed with {@code error}, is sent
   * again, counted; or null when it is not.
   */
  String retry(String model, Throwable error, int attempt, Deadline deadline) {
    String reason = reason(error);
    if (reason == null || attempt > max || (!deadline.isNone() && deadline.remainingMillis() <= 0)) {
      return null;
    }
    counted.accept(model, reason);
    return reason;
  }

  /** The failures a replica can fix: the node went away, refused the request as it went, or was unreachable. */
  static String reason(Throwable error) {
    if (!(error instanceof ServiceException failure)) {
      return null;
    }
    switch (failure.code()) {
      case NODE_LEFT:
        return "node_left";
      case SHUTTING_DOWN:
        return "shutting_down";
      case EVENT_BUS_ERROR: // the bus could not write it to the node it picked (connection refused)
        return "unreachable";
      default:
        return null;
    }
  }

  /** The request id of attempt {@code attempt} of call {@code id}: the id itself for the first. */
  static String attemptId(String id, int attempt) {
    return attempt <= 1 ? id : id + ATTEMPT + attempt;
  }

  /** The call id an attempt's request id belongs to. */
  static String callId(String attemptId) {
    int at = attemptId.lastIndexOf(ATTEMPT);
    return at < 0 || !digits(attemptId, at + ATTEMPT.length()) ? attemptId : attemptId.substring(0, at);
  }

  /** Which attempt a request id is: 1 for the call's own id. */
  static int attempt(String attemptId) {
    int at = attemptId.lastIndexOf(ATTEMPT);
    return at < 0 || !digits(attemptId, at + ATTEMPT.length()) ? 1
        : Integer.parseInt(attemptId.substring(at + ATTEMPT.length()));
  }

  private static boolean digits(String text, int from) {
    return from < text.length() && from + 9 > text.length()
        && text.substring(from).chars().allMatch(Character::isDigit);
  }
}
