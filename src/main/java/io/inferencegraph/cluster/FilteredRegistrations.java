package io.inferencegraph.cluster;

import io.vertx.core.Completable;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.shareddata.Counter;
import io.vertx.core.shareddata.Lock;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.NodeInfo;
import io.vertx.core.spi.cluster.NodeListener;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.core.spi.cluster.RegistrationListener;
import io.vertx.core.spi.cluster.RegistrationUpdateEvent;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A cluster manager seen through {@link RouteFilter}s: the event bus's node selector learns only of
 * the consumers every filter admits (those on members that proved a certificate from the cluster's
 * CA, {@link CertifiedMembers}; no model work for members that are leaving, {@link DrainingMembers}),
 * so nothing is routed to a node a filter refuses. When a filter changes its mind, the selector is
 * told every address again. Everything else goes to the wrapped manager unchanged.
 */
final class FilteredRegistrations implements ClusterManager {
  private final ClusterManager delegate;
  private final List<RouteFilter> filters;
  /** Each address the selector follows, with every registration the cluster holds for it. */
  private final Map<String, List<RegistrationInfo>> seen = new ConcurrentHashMap<>();
  private volatile RegistrationListener selector;

  FilteredRegistrations(ClusterManager delegate, List<RouteFilter> filters) {
    this.delegate = delegate;
    this.filters = List.copyOf(filters);
  }

  @Override
  public void registrationListener(RegistrationListener listener) {
    selector = listener;
    filters.forEach(filter -> filter.onChange(this::refresh));
    delegate.registrationListener(new RegistrationListener() {
      @Override
      public void registrationsUpdated(RegistrationUpdateEvent event) {
        updated(event.address(), event.registrations());
      }

      @Override
      public void registrationsLost() {
        seen.clear();
        listener.registrationsLost();
      }

      @Override
      public boolean wantsUpdatesFor(String address) {
        return listener.wantsUpdatesFor(address);
      }
    });
  }

  @Override
  public void getRegistrations(String address, Completable<List<RegistrationInfo>> promise) {
    delegate.getRegistrations(address, (registrations, failure) -> {
      if (failure != null) {
        promise.fail(failure);
      } else {
        remember(address, registrations);
        promise.succeed(admitted(address, registrations));
      }
    });
  }

  boolean admits(String address, String node) {
    return filters.stream().allMatch(filter -> filter.admits(address, node));
  }

  private synchronized void updated(String address, List<RegistrationInfo> registrations) {
    remember(address, registrations);
    selector.registrationsUpdated(new RegistrationUpdateEvent(address, admitted(address, registrations)));
  }

  /** A filter changed its mind: every followed address again, as the selector should now see it. */
  private synchronized void refresh() {
    seen.forEach((address, registrations) -> {
      if (selector.wantsUpdatesFor(address)) {
        selector.registrationsUpdated(new RegistrationUpdateEvent(address, admitted(address, registrations)));
      } else {
        seen.remove(address);
      }
    });
  }

  private void remember(String address, List<RegistrationInfo> registrations) {
    if (registrations == null || registrations.isEmpty()) {
      seen.remove(address);
    } else {
      seen.put(address, List.copyOf(registrations));
    }
  }

  private List<RegistrationInfo> admitted(String address, List<RegistrationInfo> registrations) {
    return registrations == null ? List.of()
        : registrations.stream().filter(registration -> admits(address, registration.nodeId())).toList();
  }

  // Unchanged from here on.

  @Override
  public void init(Vertx vertx) {
    delegate.init(vertx);
  }

  @Override
  public <K, V> void getAsyncMap(String name, Completable<AsyncMap<K, V>> promise) {
    delegate.getAsyncMap(name, promise);
  }

  @Override
  public <K, V> Map<K, V> getSyncMap(String name) {
    return delegate.getSyncMap(name);
  }

  @Override
  public void getLockWithTimeout(String name, long timeout, Completable<Lock> promise) {
    delegate.getLockWithTimeout(name, timeout, promise);
  }

  @Override
  public void getCounter(String name, Completable<Counter> promise) {
    delegate.getCounter(name, promise);
  }

  @Override
  public void nodeListener(NodeListener listener) {
    delegate.nodeListener(listener);
  }

  @Override
  public void setNodeInfo(NodeInfo nodeInfo, Completable<Void> promise) {
    delegate.setNodeInfo(nodeInfo, promise);
  }

  @Override
  public void join(Completable<Void> promise) {
    delegate.join(promise);
  }

  @Override
  public void leave(Completable<Void> promise) {
    delegate.leave(promise);
  }

  @Override
  public boolean isActive() {
    return delegate.isActive();
  }

  @Override
  public void addRegistration(String address, RegistrationInfo registrationInfo, Completable<Void> promise) {
    delegate.addRegistration(address, registrationInfo, promise);
  }

  @Override
  public void removeRegistration(String address, RegistrationInfo registrationInfo, Completable<Void> promise) {
    delegate.removeRegistration(address, registrationInfo, promise);
  }

  @Override
  public String clusterHost() {
    return delegate.clusterHost();
  }

  @Override
  public String clusterPublicHost() {
    return delegate.clusterPublicHost();
  }

  @Override
  public String getNodeId() {
    return delegate.getNodeId();
  }

  @Override
  public NodeInfo getNodeInfo() {
    return delegate.getNodeInfo();
  }

  @Override
  public void getNodeInfo(String nodeId, Completable<NodeInfo> promise) {
    delegate.getNodeInfo(nodeId, promise);
  }

  @Override
  public List<String> getNodes() {
    return delegate.getNodes();
  }
}
