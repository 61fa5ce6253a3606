package io.inferencegraph.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import io.inferencegraph.config.GraphConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of the graph's clustered event bus: Vert.x built on a Hazelcast cluster manager, the
 * membership it reports on {@code /readyz}, and fail-fast for requests whose node leaves.
 */
public final class ClusterNode {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
  // HazelcastClusterManager stores each member's Vert.x node id under this attribute.
  private static final String NODE_ID_ATTRIBUTE = "__vertx.nodeId";

  private final Vertx vertx;
  private final HazelcastClusterManager manager;
  private final InFlightRequests inFlight;

  private ClusterNode(Vertx vertx, HazelcastClusterManager manager, long requestTimeoutMs) {
    this.vertx = vertx;
    this.manager = manager;
    this.inFlight = new InFlightRequests(vertx, manager.getNodeId(), requestTimeoutMs);
  }

  /**
   * Joins the cluster that {@code config.cluster()} describes and builds Vert.x on it. The builder
   * may already carry a tracer or metrics; its event-bus options are set here.
   */
  public static Future<ClusterNode> join(VertxBuilder builder, VertxOptions options, GraphConfig config) {
    HazelcastClusterManager manager = new HazelcastClusterManager(HazelcastConfigs.hazelcast(config.cluster()));
    HazelcastConfigs.eventBus(options.getEventBusOptions(), config.cluster());
    return builder.with(options).withClusterManager(manager).buildClustered().compose(vertx -> {
      ClusterNode node = new ClusterNode(vertx, manager, config.busTimeoutMs());
      return node.start().map(node).recover(error -> vertx.close().transform(closed -> Future.failedFuture(error)));
    });
  }

  public Vertx vertx() {
    return vertx;
  }

  /** {"joined", "node_id", "members"}: what {@code /readyz} shows of the cluster. */
  public JsonObject status() {
    JsonObject status = new JsonObject().put("node_id", manager.getNodeId());
    try {
      boolean running = manager.isActive() && manager.getHazelcastInstance().getLifecycleService().isRunning();
      return status.put("joined", running).put("members", running ? manager.getNodes().size() : 0);
    } catch (RuntimeException e) {
      return status.put("joined", false).put("members", 0).put("error", e.getMessage());
    }
  }

  /** Model requests this node is waiting on (for tests and diagnostics). */
  public int inFlightRequests() {
    return inFlight.size();
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
    return inFlight.install();
  }

  /** Hazelcast's membership events, handed to the in-flight requests on a Vert.x context. */
  private final class Membership implements MembershipListener {
    @Override
    public void memberAdded(MembershipEvent event) {
      String node = nodeId(event);
      LOG.info("node {} joined the cluster at {}; {} members", node, event.getMember().getAddress(),
          event.getMembers().size());
      if (node != null) {
        vertx.runOnContext(v -> inFlight.nodeJoined(node));
      }
    }

    @Override
    public void memberRemoved(MembershipEvent event) {
      String node = nodeId(event);
      LOG.warn("node {} left the cluster; {} members", node, event.getMembers().size());
      if (node != null) {
        vertx.runOnContext(v -> inFlight.nodeLeft(node));
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
