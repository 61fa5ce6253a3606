package io.inferencegraph.cluster;

import io.inferencegraph.api.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge side of fail-fast. A clustered event bus never fails a request whose recipient node
 * died: the reply just never comes and the caller waits for the send timeout. So the edge tracks
 * its model requests by reply address, learns from {@link Receipts} which node took each, and when
 * a node leaves the cluster answers its requests itself with a RECIPIENT_FAILURE (NODE_LEFT).
 * Requests no node has acknowledged (lost on the way to the departed node) get a short grace. The
 * cluster's subscription map learns of a departure a little after Hazelcast does, so for a while
 * requests may still be routed to the departed node: those are failed the same way once their
 * grace is over.
 */
final class InFlightRequests {
  private static final Logger LOG = LoggerFactory.getLogger(InFlightRequests.class);
  static final long RECEIPT_GRACE_MS = 2000;
  /** How long after a departure requests may still be routed to the departed node. */
  static final long ROUTING_LAG_MS = 10_000;
  private static final long CHECK_EVERY_MS = 250;

  private final Vertx vertx;
  private final EventBus bus;
  private final String nodeId;
  private final long maxAgeMs;
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final Set<String> departed = ConcurrentHashMap.newKeySet();
  private volatile long lastDeparture = Long.MIN_VALUE / 2;

  /** One request: the model address, when it was sent, and the node that acknowledged it, if any. */
  private static final class Pending {
    final String address;
    final long sentAt = System.currentTimeMillis();
    volatile String node;

    Pending(String address) {
      this.address = address;
    }
  }

  InFlightRequests(Vertx vertx, String nodeId, long maxAgeMs) {
    this.vertx = vertx;
    this.bus = vertx.eventBus();
    this.nodeId = nodeId;
    this.maxAgeMs = maxAgeMs;
  }

  /** Starts tracking; done once the receipt consumer is known to the cluster. */
  Future<Void> install() {
    bus.addOutboundInterceptor(this::outbound);
    bus.addInboundInterceptor(this::inbound);
    // Entries whose reply timed out are never answered: drop them once older than any request can be.
    vertx.setPeriodic(Math.max(1000, maxAgeMs / 4), id -> sweep());
    vertx.setPeriodic(CHECK_EVERY_MS, id -> failUnacknowledged());
    return bus.<JsonObject>consumer(Receipts.address(nodeId), message -> receipt(message.body())).completion();
  }

  int size() {
    return pending.size();
  }

  /** Whether {@code node} has left the cluster (and not come back). */
  boolean departed(String node) {
    return departed.contains(node);
  }

  /** A node that comes back after a network partition keeps its id: its receipts count again. */
  void nodeJoined(String node) {
    departed.remove(node);
  }

  /** Fails what the departed node had taken now; what nobody acknowledges is failed after a grace. */
  void nodeLeft(String node) {
    departed.add(node);
    lastDeparture = System.currentTimeMillis();
    int taken = failWhere(request -> node.equals(request.node), node);
    if (taken > 0) {
      LOG.warn("node {} left the cluster: failed {} request(s) it had taken", node, taken);
    }
  }

  /**
   * Around a departure, a request that no node acknowledged within the grace went to the departed
   * node (before it was known gone, or while routing still pointed at it): fail it now.
   */
  private void failUnacknowledged() {
    long now = System.currentTimeMillis();
    long departure = lastDeparture;
    if (now - departure > ROUTING_LAG_MS + RECEIPT_GRACE_MS) {
      return;
    }
    int failed = failWhere(request -> request.node == null && now - request.sentAt >= RECEIPT_GRACE_MS
        && request.sentAt <= departure + ROUTING_LAG_MS, "that left the cluster");
    if (failed > 0) {
      // every sweep of the grace after a departure, which ClusterNode has already warned of
      LOG.info("failed {} request(s) no node acknowledged after a node left the cluster", failed);
    }
  }

  private int failWhere(Predicate<Pending> condition, String node) {
    int failed = 0;
    for (Map.Entry<String, Pending> entry : pending.entrySet()) {
      if (condition.test(entry.getValue()) && fail(entry.getKey(), entry.getValue(), node)) {
        failed++;
      }
    }
    return failed;
  }

  private void outbound(DeliveryContext<Object> context) {
    Message<Object> message = context.message();
    if (Receipts.isModelRequest(message)) {
      message.headers().set(Receipts.ORIGIN_HEADER, nodeId);
      pending.put(message.replyAddress(), new Pending(message.address()));
    }
    context.next();
  }

  private void inbound(DeliveryContext<Object> context) {
    pending.remove(context.message().address());
    context.next();
  }

  private void receipt(JsonObject receipt) {
    String reply = receipt.getString("reply");
    Pending request = reply == null ? null : pending.get(reply);
    if (request != null) {
      request.node = receipt.getString("node");
      if (departed.contains(request.node) && fail(reply, request, request.node)) {
        LOG.warn("node {} left the cluster: failed a request it had acknowledged late", request.node);
      }
    }
  }

  private boolean fail(String reply, Pending request, String node) {
    if (!pending.remove(reply, request)) {
      return false;
    }
    ReplyException failure = new ReplyException(ReplyFailure.RECIPIENT_FAILURE, ErrorCode.NODE_LEFT.wire(),
        "the node serving " + request.address + " left the cluster during the request (node " + node + ")");
    // Answer on the departed node's behalf: the reply handler is local to this node.
    bus.send(reply, failure, new DeliveryOptions().setLocalOnly(true));
    return true;
  }

  private void sweep() {
    long oldest = System.currentTimeMillis() - maxAgeMs - 1000;
    pending.values().removeIf(request -> request.sentAt < oldest);
  }
}
