package io.inferencegraph.http;

import io.inferencegraph.api.Deadline;
import io.inferencegraph.api.ServiceException;
import io.vertx.ext.web.RoutingContext;

/**
 * A request's deadline: {@code X-Request-Timeout-Ms} when the client sets one, capped by the
 * configured request timeout, which is also the default. It travels to the models as time left.
 */
final class RequestDeadline {
  static final String HEADER = "X-Request-Timeout-Ms";

  private RequestDeadline() {}

  /** The request's deadline; a header that is not a positive integer is refused. */
  static Deadline of(RoutingContext ctx, long maxMs) {
    String header = ctx.request().getHeader(HEADER);
    long ms = maxMs;
    if (header != null) {
      try {
        ms = Math.min(maxMs, Long.parseLong(header.trim()));
      } catch (NumberFormatException e) {
        ms = -1;
      }
      if (ms <= 0) {
        throw ServiceException.invalid(HEADER, "must be a positive number of milliseconds");
      }
    }
    return Deadline.in(ms);
  }
}
