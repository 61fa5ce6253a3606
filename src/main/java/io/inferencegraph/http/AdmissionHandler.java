package io.inferencegraph.http;

import io.inferencegraph.api.ErrorCode;
import io.inferencegraph.api.ServiceException;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Admits a request only while fewer than the cap are in flight and the server is not draining;
 * otherwise answers at once, before the body is read. A platform handler so that it runs before
 * the body handler.
 */
final class AdmissionHandler implements PlatformHandler {
  private final int maxInFlight;
  private final BooleanSupplier draining;
  private final AtomicInteger inFlight = new AtomicInteger();

  AdmissionHandler(int maxInFlight, BooleanSupplier draining) {
    this.maxInFlight = maxInFlight;
    this.draining = draining;
  }

  int inFlight() {
    return inFlight.get();
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (draining.getAsBoolean()) {
      ctx.fail(new ServiceException(ErrorCode.SHUTTING_DOWN, "the server is shutting down"));
      return;
    }
    if (inFlight.incrementAndGet() > maxInFlight) {
      inFlight.decrementAndGet();
      ctx.fail(new ServiceException(ErrorCode.TOO_MANY_REQUESTS,
          "more than " + maxInFlight + " requests in flight; retry later"));
      return;
    }
    ctx.addEndHandler(done -> inFlight.decrementAndGet());
    ctx.next();
  }
}
