package io.inferencegraph.http;

import io.inferencegraph.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Asks every model of the graph, over the event bus, whether some node serves it. Works the same
 * on one node and across a cluster: a model without a consumer answers NO_HANDLERS at once.
 */
final class Readiness {
  private static final long PROBE_TIMEOUT_MS = 2000;

  private final EventBus bus;
  private final List<String> models;

  Readiness(EventBus bus, List<String> models) {
    this.bus = bus;
    this.models = List.copyOf(models);
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
      return Future.succeededFuture(new JsonObject().put("ready", missing.isEmpty()).put("models", status)
          .put("missing", missing));
    });
  }
}
