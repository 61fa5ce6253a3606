package io.inferencegraph;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds the messages that reach consumers of some addresses on one node until the test opens the
 * gate: a test can make something happen between "the request was sent" and "the model began".
 * Once {@code count} messages are held, {@link #arrived} completes; opening lets them (and every
 * later one) through, each on the context it was to be handled on.
 */
public final class DeliveryGate {
  private final Vertx vertx;
  private final String addressPrefix;
  private final int count;
  private final List<Runnable> held = new ArrayList<>();
  private final Promise<Void> arrived = Promise.promise();
  private final Handler<DeliveryContext<Object>> interceptor = this::onDelivery;
  private boolean open;

  private DeliveryGate(Vertx vertx, String addressPrefix, int count) {
    this.vertx = vertx;
    this.addressPrefix = addressPrefix;
    this.count = count;
  }

  /** Holds messages to addresses starting with {@code addressPrefix} until {@link #open}. */
  public static DeliveryGate close(Vertx vertx, String addressPrefix, int count) {
    DeliveryGate gate = new DeliveryGate(vertx, addressPrefix, count);
    vertx.eventBus().addInboundInterceptor(gate.interceptor);
    return gate;
  }

  /** Completes once {@code count} messages are held at the gate. */
  public Future<Void> arrived() {
    return arrived.future();
  }

  /** Lets the held messages through, and every later one; the gate then leaves the bus. */
  public void open() {
    List<Runnable> release;
    synchronized (this) {
      open = true;
      release = List.copyOf(held);
      held.clear();
    }
    vertx.eventBus().removeInboundInterceptor(interceptor);
    release.forEach(Runnable::run);
  }

  private void onDelivery(DeliveryContext<Object> delivery) {
    boolean hold;
    boolean full;
    synchronized (this) {
      hold = !open && delivery.message().address().startsWith(addressPrefix);
      if (hold) {
        Context context = Vertx.currentContext();
        held.add(() -> {
          if (context == null) {
            delivery.next();
          } else {
            context.runOnContext(v -> delivery.next());
          }
        });
      }
      full = held.size() >= count;
    }
    if (!hold) {
      delivery.next();
    } else if (full) {
      arrived.tryComplete();
    }
  }
}
