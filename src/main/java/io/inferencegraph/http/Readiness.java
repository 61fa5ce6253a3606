package io.inferencegraph.http;

import io.inferencegraph.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Supplier;

/**
 * Asks every model of the graph, over the event bus, whether some node serves it. Works the same
 * on one node and across a cluster: a model without a consumer answers NO_HANDLERS at once. On a
 * clustered node it also reports the membership, and is not ready until the node has joined.
 */
final class Readiness {
  private static final long PROBE_TIMEOUT_MS = 2000;

  private final EventBus bus;
  private final List<String> models;
  private final Supplier<JsonObject> cluster;

  /** {@code cluster} gives {"joined": bool, ...}, or is null on a node that is not clustered. */
  Readiness(EventBus bus, List<String> models, Supplier<JsonObject> cluster) {
    this.bus = bus;
    this.models = List.copyOf(models);
    this.cluster = cluster;
  }

  /** {"ready": bool, "models": {name: {...}}, "missing": [names]}. */
  Future<JsonObject> check() {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(PROBE_TIMEOUT_MS);
    List<Future<JsonObject>> probes = models.stream()
        .map(model -> bus.<JsonObject>request(Addresses.health(model), new JsonObject(), options)
            .map(reply -> reply.body()))
        .toList();
    return Future.join(probes).transform(ignored -> {
      JsonObject status = new JsonObject();
      JsonArray missing = new JsonArray();
      for (int i = 0; i < models.size(); i++) {
        Future<JsonObject> probe = probes.get(i);
        if (probe.succeeded()) {
          status.put(models.get(i), probe.result());
        } else {
          missing.add(models.get(i));
          status.put(models.get(i), new JsonObject().put("error", probe.cause().getMessage()));
        }
      }
      JsonObject result = new JsonObject().put("ready", missing.isEmpty()).put("models", status)
          .put("missing", missing);
      if (cluster != null) {
        JsonObject membership = cluster.get();
        result.put("cluster", membership).put("ready", missing.isEmpty() && membership.getBoolean("joined", false));
      }
      return Future.succeededFuture(result);
    });
  }
}
