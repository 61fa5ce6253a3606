package io.inferencegraph;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The model requests and replies one node sends on its event bus, in the order they are sent:
 * {@code "request graph.generate.gpt2"}, {@code "reply graph.generate.gpt2"}, ... A reply is
 * recorded before it leaves, so a request sent because of a reply always comes after it.
 */
public final class BusTraffic {
  private final Vertx vertx;
  private final List<String> events = new ArrayList<>();
  private final Map<String, String> awaitingReply = new ConcurrentHashMap<>();
  private final Handler<DeliveryContext<Object>> interceptor = this::onSend;

  private BusTraffic(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Starts recording what this Vert.x sends to the graph's model addresses and what they answer. */
  public static BusTraffic record(Vertx vertx) {
    BusTraffic traffic = new BusTraffic(vertx);
    vertx.eventBus().addOutboundInterceptor(traffic.interceptor);
    return traffic;
  }

  /** Stops recording; the events so far, in order. */
  public List<String> stop() {
    vertx.eventBus().removeOutboundInterceptor(interceptor);
    synchronized (events) {
      return List.copyOf(events);
    }
  }

  private void onSend(DeliveryContext<Object> delivery) {
    Message<Object> message = delivery.message();
    String address = message.address();
    if (address.startsWith("graph.generate.") || address.startsWith("graph.classify.")) {
      if (message.replyAddress() != null) {
        awaitingReply.put(message.replyAddress(), address);
      }
      add("request " + address);
    } else {
      String requested = awaitingReply.remove(address);
      if (requested != null) {
        add("reply " + requested);
      }
    }
    delivery.next();
  }

  private void add(String event) {
    synchronized (events) {
      events.add(event);
    }
  }
}
