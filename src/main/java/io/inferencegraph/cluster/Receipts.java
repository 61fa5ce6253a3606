package io.inferencegraph.cluster;

import io.inferencegraph.bus.Addresses;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * The model side of fail-fast: when a model request reaches this node, tells the edge that sent it
 * which node took it, so that the edge can fail it at once should this node leave the cluster.
 * Runs as an inbound interceptor, so the model verticles know nothing of it.
 */
final class Receipts {
  static final String ORIGIN_HEADER = "x-graph-origin";
  private static final String ADDRESS_PREFIX = "graph.receipts.";
  private static final String GENERATE = Addresses.generator("");
  private static final String CLASSIFY = Addresses.classifier("");

  private final EventBus bus;
  private final String nodeId;

  Receipts(EventBus bus, String nodeId) {
    this.bus = bus;
    this.nodeId = nodeId;
  }

  /** Where the edge on {@code node} takes receipts. */
  static String address(String node) {
    return ADDRESS_PREFIX + node;
  }

  /** Model requests: sent to a model address and waiting for a reply. */
  static boolean isModelRequest(Message<?> message) {
    String address = message.address();
    return message.replyAddress() != null
        && (address.startsWith(GENERATE) || address.startsWith(CLASSIFY));
  }

  void install() {
    bus.addInboundInterceptor(this::intercept);
  }

  private void intercept(DeliveryContext<Object> context) {
    Message<Object> message = context.message();
    String origin = isModelRequest(message) ? message.headers().get(ORIGIN_HEADER) : null;
    if (origin != null) {
      bus.send(address(origin), new JsonObject().put("reply", message.replyAddress()).put("node", nodeId));
    }
    context.next();
  }
}
