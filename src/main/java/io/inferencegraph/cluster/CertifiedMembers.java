package io.inferencegraph.cluster;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The members this node has seen prove a certificate from the cluster's CA, and those it refused.
 * Hazelcast's open-source edition admits any process that knows the cluster name, so membership
 * proves nothing; the event bus does. With mutual TLS on it, a message travels only over a
 * connection whose two ends hold certificates from the CA: a member that answers this node's ping,
 * or whose ping reaches this node, holds one. A member that proves nothing within
 * {@link #REFUSE_AFTER_MS} is refused (a WARN names it) and {@link FilteredRegistrations} routes
 * nothing to it.
 */
final class CertifiedMembers implements RouteFilter {
  private static final Logger LOG = LoggerFactory.getLogger(CertifiedMembers.class);
  static final String ADDRESS_PREFIX = "graph.members.";
  // A node's first TLS connection can take seconds on a busy host; a member refused early is still
  // certified later when a ping gets through, but it is warned of in the log meanwhile.
  static final long PING_TIMEOUT_MS = 5000;
  static final long RETRY_MS = 500;
  static final long REFUSE_AFTER_MS = 15_000;

  private final Supplier<String> self;
  private final Set<String> certified = ConcurrentHashMap.newKeySet();
  private final Set<String> refused = ConcurrentHashMap.newKeySet();
  /** Members in the cluster now, with their Hazelcast address (for the log). */
  private final Map<String, String> present = new ConcurrentHashMap<>();
  private volatile Runnable onChange = () -> { };
  private Vertx vertx;

  /** {@code self}: this node's id, known once Hazelcast has started. */
  CertifiedMembers(Supplier<String> self) {
    this.self = self;
  }

  /** Where {@code node} answers pings. */
  static String address(String node) {
    return ADDRESS_PREFIX + node;
  }

  /** Whether this node may route to {@code node}: itself, or a member that proved its certificate. */
  boolean certified(String node) {
    return node.equals(self.get()) || certified.contains(node);
  }

  /** A member's consumers count only once it is certified; its ping address only for itself. */
  @Override
  public boolean admits(String address, String node) {
    if (address.startsWith(ADDRESS_PREFIX)) {
      return address.equals(address(node));
    }
    return certified(node);
  }

  Set<String> refused() {
    return Set.copyOf(refused);
  }

  /** Runs whenever a member is certified or leaves: routing must be looked at again. */
  @Override
  public void onChange(Runnable listener) {
    onChange = listener;
  }

  /** Answers pings, then pings {@code members} (node id to address); done when each is certified or refused. */
  Future<Void> start(Vertx vertx, Map<String, String> members) {
    this.vertx = vertx;
    present.putAll(members);
    return vertx.eventBus().<String>consumer(address(self.get()), this::pinged).completion()
        .compose(v -> Future.join(members.keySet().stream().filter(node -> !node.equals(self.get()))
            .map(this::check).toList()))
        .mapEmpty();
  }

  /** A member joined (call on this node's context): ping it until it answers, or refuse it. */
  void joined(String node, String address) {
    present.put(node, address);
    check(node);
  }

  void left(String node) {
    present.remove(node);
    refused.remove(node);
    if (certified.remove(node)) {
      onChange.run();
    }
  }

  /** The ping came over mutual TLS, so its sender holds a certificate from the CA. */
  private void pinged(Message<String> ping) {
    certify(ping.body());
    ping.reply(self.get());
  }

  private Future<Void> check(String node) {
    return attempt(node, System.currentTimeMillis() + REFUSE_AFTER_MS);
  }

  private Future<Void> attempt(String node, long refuseAt) {
    if (certified.contains(node) || !present.containsKey(node)) {
      return Future.succeededFuture();
    }
    return vertx.eventBus().<String>request(address(node), self.get(),
        new DeliveryOptions().setSendTimeout(PING_TIMEOUT_MS)).transform(reply -> {
          if (reply.succeeded() && node.equals(reply.result().body())) {
            certify(node);
            return Future.succeededFuture();
          }
          LOG.debug("no answer from member {} yet: {}", node, reply.failed() ? reply.cause().getMessage() : "");
          if (System.currentTimeMillis() >= refuseAt) {
            refuse(node, reply.failed() ? reply.cause().getMessage() : "another node answered");
            return Future.succeededFuture();
          }
          Promise<Void> retried = Promise.promise();
          vertx.setTimer(RETRY_MS, id -> attempt(node, refuseAt).onComplete(retried));
          return retried.future();
        });
  }

  private void certify(String node) {
    if (node != null && !node.equals(self.get()) && certified.add(node)) {
      refused.remove(node);
      LOG.info("cluster member {} proved a certificate from the cluster's CA", node);
      onChange.run();
    }
  }

  private void refuse(String node, String why) {
    if (!certified.contains(node) && present.containsKey(node) && refused.add(node)) {
      LOG.warn("refused cluster member {} at {}: no ping crossed mutual TLS with it within {} s ({}); it holds no "
          + "certificate from this cluster's CA, and this node sends it nothing", node, present.get(node),
          REFUSE_AFTER_MS / 1000, why);
    }
  }
}
