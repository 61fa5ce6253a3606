package io.inferencegraph.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.ext.web.RoutingContext;

/**
 * Counts the requests one router has taken while they run: once a reload retires the router,
 * {@link #retire()} completes when the last of them has ended, so that what they use (a model the
 * new configuration drops) can go. Runs on the HTTP verticle's event loop only.
 */
final class RoutedRequests implements Handler<RoutingContext> {
  private final Promise<Void> drained = Promise.promise();
  private int open;
  private boolean retired;

  @Override
  public void handle(RoutingContext ctx) {
    open++;
    // called once the response has ended or the connection closed, whichever comes first
    ctx.addEndHandler(ended -> {
      open--;
      check();
    });
    ctx.next();
  }

  /** No more requests come to this router; the future completes once those it has ended. */
  Future<Void> retire() {
    retired = true;
    check();
    return drained.future();
  }

  private void check() {
    if (retired && open == 0) {
      drained.tryComplete();
    }
  }
}
