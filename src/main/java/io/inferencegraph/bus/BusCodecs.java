package io.inferencegraph.bus;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Registers the codec of every message type of the protocol, once per Vert.x instance. Every
 * verticle that sends or serves these messages calls it before it touches the bus; a clustered
 * node decodes a message by the codec's name, so every node registers the same set.
 */
public final class BusCodecs {
  private static final Set<Vertx> REGISTERED = Collections.newSetFromMap(new WeakHashMap<>());

  private BusCodecs() {}

  public static void register(Vertx vertx) {
    synchronized (REGISTERED) {
      if (REGISTERED.add(vertx)) {
        EventBus bus = vertx.eventBus();
        bus.registerDefaultCodec(GenerateRequest.class, new RecordCodec<>(GenerateRequest.class));
        bus.registerDefaultCodec(GenerateReply.class, new RecordCodec<>(GenerateReply.class));
        bus.registerDefaultCodec(ClassifyRequest.class, new RecordCodec<>(ClassifyRequest.class));
        bus.registerDefaultCodec(ClassifyReply.class, new RecordCodec<>(ClassifyReply.class));
        bus.registerDefaultCodec(GenerateEvent.class, new RecordCodec<>(GenerateEvent.class));
        bus.registerDefaultCodec(CancelRequest.class, new RecordCodec<>(CancelRequest.class));
        bus.registerDefaultCodec(Failure.class, new FailureCodec());
      }
    }
  }
}
