package io.inferencegraph.cluster;

import io.inferencegraph.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Members that announced they are leaving: this node sends them no new model work (generate,
 * classify, health), though it still sends them cancels, receipts and stream events for the work
 * they hold. A leaving node asks every member in turn and waits for each answer: a member answers
 * once its routing has changed, and the answer travels on the same connection as the requests it
 * sent before, so when all have answered nothing new is on its way. Its own requests still go to
 * itself, so that its own edge can finish what it holds.
 */
final class DrainingMembers implements RouteFilter {
  private static final Logger LOG = LoggerFactory.getLogger(DrainingMembers.class);
  static final String ADDRESS_PREFIX = "graph.draining.";
  // A first event-bus connection can take seconds on a busy host (see CertifiedMembers.PING_TIMEOUT_MS).
  static final long ANSWER_TIMEOUT_MS = 5000;
  private static final Set<String> MODEL_WORK = Set.of(Addresses.generator(""), Addresses.classifier(""),
      Addresses.health(""));

  private final Supplier<String> self;
  private final Set<String> draining = ConcurrentHashMap.newKeySet();
  private volatile Runnable onChange = () -> { };

  /** {@code self}: this node's id, known once Hazelcast has started. */
  DrainingMembers(Supplier<String> self) {
    this.self = self;
  }

  static String address(String node) {
    return ADDRESS_PREFIX + node;
  }

  @Override
  public boolean admits(String address, String node) {
    return !draining.contains(node) || node.equals(self.get())
        || MODEL_WORK.stream().noneMatch(address::startsWith);
  }

  @Override
  public void onChange(Runnable listener) {
    onChange = listener;
  }

  /** Listens for announcements; done once the cluster knows the listener. */
  Future<Void> start(Vertx vertx) {
    return vertx.eventBus().<String>consumer(address(self.get()), this::announced).completion();
  }

  /** Asks each of {@code members} to send no new model work here; the number that answered. */
  Future<Integer> announce(Vertx vertx, Collection<String> members) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(ANSWER_TIMEOUT_MS);
    var answers = members.stream().filter(node -> !node.equals(self.get()))
        .map(node -> vertx.eventBus().request(address(node), self.get(), options)
            .onFailure(error -> LOG.warn("member {} did not confirm that it stopped routing here: {}", node,
                error.getMessage())))
        .toList();
    return Future.join(answers).transform(done -> Future.succeededFuture(
        (int) answers.stream().filter(Future::succeeded).count()));
  }

  /** A member that left, or came back under the same id, is routed to as its consumers say. */
  void left(String node) {
    if (draining.remove(node)) {
      onChange.run();
    }
  }

  private void announced(Message<String> announcement) {
    String node = announcement.body();
    if (node != null && draining.add(node)) {
      LOG.info("node {} is draining: no new model work goes to it", node);
      onChange.run();
    }
    announcement.reply(self.get());
  }
}
