package io.inferencegraph.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import io.inferencegraph.config.GraphConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Shareable;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of the graph's clustered event bus: Vert.x built on a Hazelcast cluster manager, the
 * membership it reports on {@code /readyz}, and fail-fast for requests whose node leaves. With
 * {@code cluster.tls}, the event bus is mutual TLS and only members that prove a certificate from
 * the cluster's CA get traffic ({@link CertifiedMembers}); without it, start-up warns.
 */
public final class ClusterNode implements Shareable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
  // HazelcastClusterManager stores each member's Vert.x node id under this attribute.
  private static final String NODE_ID_ATTRIBUTE = "__vertx.nodeId";
  private static final long REROUTE_CHECK_MS = 50;
  private static final String LOCAL_MAP = ClusterNode.class.getName();

  private final Vertx vertx;
  private final HazelcastClusterManager manager;
  private final InFlightRequests inFlight;
  private final CertifiedMembers certified;
  private final DrainingMembers draining;

  private ClusterNode(Vertx vertx, HazelcastClusterManager manager, long requestTimeoutMs, CertifiedMembers certified,
      DrainingMembers draining) {
    this.vertx = vertx;
    this.manager = manager;
    this.inFlight = new InFlightRequests(vertx, manager.getNodeId(), requestTimeoutMs);
    this.certified = certified;
    this.draining = draining;
  }

  /**
   * Joins the cluster that {@code config.cluster()} describes and builds Vert.x on it. The builder
   * may already carry a tracer or metrics; its event-bus options are set here.
   */
  public static Future<ClusterNode> join(VertxBuilder builder, VertxOptions options, GraphConfig config) {
    HazelcastClusterManager manager = new HazelcastClusterManager(HazelcastConfigs.hazelcast(config.cluster()));
    HazelcastConfigs.eventBus(options.getEventBusOptions(), config.cluster());
    CertifiedMembers certified = config.cluster().tls() == null ? null : new CertifiedMembers(manager::getNodeId);
    DrainingMembers draining = new DrainingMembers(manager::getNodeId);
    ClusterManager routing = new FilteredRegistrations(manager,
        certified == null ? List.of(draining) : List.of(certified, draining));
    if (certified == null) {
      LOG.warn("cluster.tls is not set: the event bus between nodes is plain TCP (prompts and answers cross the "
          + "network in the clear), and any process that reaches port {} with the cluster name joins and gets a "
          + "share of the requests; see docs/security.md", config.cluster().port());
    }
    return builder.with(options).withClusterManager(routing).buildClustered().compose(vertx -> {
      ClusterNode node = new ClusterNode(vertx, manager, config.busTimeoutMs(), certified, draining);
      vertx.sharedData().<String, ClusterNode>getLocalMap(LOCAL_MAP).put(LOCAL_MAP, node);
      return node.start().map(node).recover(error -> vertx.close().transform(closed -> Future.failedFuture(error)));
    });
  }

  /** The node {@code vertx} was built on by {@link #join}; null for a Vert.x that is not clustered. */
  public static ClusterNode of(Vertx vertx) {
    return vertx.isClustered() ? vertx.sharedData().<String, ClusterNode>getLocalMap(LOCAL_MAP).get(LOCAL_MAP) : null;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** {"joined", "node_id", "members", "tls"}, and with TLS "refused": what {@code /readyz} shows of the cluster. */
  public JsonObject status() {
    JsonObject status = new JsonObject().put("node_id", manager.getNodeId());
    try {
      boolean running = manager.isActive() && manager.getHazelcastInstance().getLifecycleService().isRunning();
      status.put("joined", running).put("members", running ? manager.getNodes().size() : 0).put("tls", certified != null);
      return certified == null ? status : status.put("refused", new JsonArray(List.copyOf(certified.refused())));
    } catch (RuntimeException e) {
      return status.put("joined", false).put("members", 0).put("error", e.getMessage());
    }
  }

  /**
   * Tells every member to send no new model work to this node (the first step of a graceful leave);
   * done once each has confirmed or {@link DrainingMembers#ANSWER_TIMEOUT_MS} has passed. Logged.
   */
  public Future<Void> announceDraining() {
    List<String> members = manager.getNodes();
    return draining.announce(vertx, members).map(answered -> {
      LOG.info("draining: {} of {} other member(s) confirmed they send no new model work here", answered,
          members.size() - 1);
      return null;
    });
  }

  /**
   * Completes once the bus no longer routes {@code address} to a node that left, or after the
   * routing lag: a retry sent earlier could go to the departed node again.
   */
  public Future<Void> rerouted(String address) {
    long asked = System.currentTimeMillis();
    return rerouted(address, asked + InFlightRequests.ROUTING_LAG_MS, asked);
  }

  private Future<Void> rerouted(String address, long until, long asked) {
    Promise<List<RegistrationInfo>> found = Promise.promise();
    manager.getRegistrations(address, found);
    return found.future().otherwiseEmpty().compose(registrations -> {
      boolean stale = registrations != null && registrations.stream().anyMatch(r -> inFlight.departed(r.nodeId()));
      long now = System.currentTimeMillis();
      if (!stale || now > until) {
        if (now - asked >= REROUTE_CHECK_MS) {
          LOG.info("retry to {} sent after {} ms, routing {}", address, now - asked,
              stale ? "still names a departed node" : "no longer names the departed node");
        }
        return Future.succeededFuture();
      }
      Promise<Void> later = Promise.promise();
      vertx.setTimer(REROUTE_CHECK_MS, id -> later.complete());
      return later.future().compose(v -> rerouted(address, until, asked));
    });
  }

  /** Model requests this node is waiting on (for tests and diagnostics). */
  public int inFlightRequests() {
    return inFlight.size();
  }

  /** The in-flight requests, for tests that declare a member gone while it still runs (as after a partition). */
  InFlightRequests inFlight() {
    return inFlight;
  }

  /** The Hazelcast side, for tests that make a member vanish without leaving. */
  HazelcastClusterManager manager() {
    return manager;
  }

  private Future<Void> start() {
    vertx.exceptionHandler(ClusterNode::unhandled);
    new Receipts(vertx.eventBus(), manager.getNodeId()).install();
    manager.getHazelcastInstance().getCluster().addMembershipListener(new Membership());
    LOG.info("joined cluster as node {}: {}", manager.getNodeId(), status().encode());
    Future<Void> certifying = certified == null ? Future.succeededFuture() : certified.start(vertx, members());
    return certifying.compose(v -> draining.start(vertx)).compose(v -> inFlight.install());
  }

  /** The members now, by node id, with their Hazelcast address. */
  private Map<String, String> members() {
    Map<String, String> members = new HashMap<>();
    for (Member member : manager.getHazelcastInstance().getCluster().getMembers()) {
      String node = member.getAttribute(NODE_ID_ATTRIBUTE);
      if (node != null) {
        members.put(node, String.valueOf(member.getAddress()));
      }
    }
    return members;
  }

  /** Hazelcast's membership events, handed to the in-flight requests on a Vert.x context. */
  private final class Membership implements MembershipListener {
    @Override
    public void memberAdded(MembershipEvent event) {
      String node = nodeId(event);
      LOG.info("node {} joined the cluster at {}; {} members", node, event.getMember().getAddress(),
          event.getMembers().size());
      if (node != null) {
        vertx.runOnContext(v -> {
          inFlight.nodeJoined(node);
          if (certified != null) {
            certified.joined(node, String.valueOf(event.getMember().getAddress()));
          }
        });
      }
    }

    @Override
    public void memberRemoved(MembershipEvent event) {
      String node = nodeId(event);
      LOG.warn("node {} left the cluster; {} members", node, event.getMembers().size());
      if (node != null) {
        vertx.runOnContext(v -> {
          inFlight.nodeLeft(node);
          draining.left(node);
          if (certified != null) {
            certified.left(node);
          }
        });
      }
    }
  }

  /**
   * Logs what nothing handled as Vert.x would (ERROR, with the trace), except a task refused by a
   * worker pool that has closed: the clustered event bus still completes writes on the contexts of
   * a node that is closing (eclipse-vertx/vert.x#5337).
   */
  private static void unhandled(Throwable error) {
    if (error instanceof RejectedExecutionException) {
      LOG.info("a closed worker pool refused a task: this node is closing");
    } else {
      LOG.error("Unhandled exception", error);
    }
  }

  private static String nodeId(MembershipEvent event) {
    return event.getMember().getAttribute(NODE_ID_ATTRIBUTE);
  }
}
