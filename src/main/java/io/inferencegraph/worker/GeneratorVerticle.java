package io.inferencegraph.worker;

import io.inferencegraph.bus.Addresses;
import io.inferencegraph.bus.Messages;
import io.inferencegraph.model.Generation;
import io.inferencegraph.model.TextGenerator;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Serves one text-generation model on its address; deployed as a worker, several instances share the model. */
public final class GeneratorVerticle extends VerticleBase {
  private final String name;
  private final TextGenerator generator;

  public GeneratorVerticle(String name, TextGenerator generator) {
    this.name = name;
    this.generator = generator;
  }

  @Override
  public Future<?> start() {
    return vertx.eventBus().<JsonObject>consumer(Addresses.generator(name), this::handle).completion();
  }

  private void handle(Message<JsonObject> message) {
    try {
      String text = Messages.text(message.body());
      long started = Messages.nowMicros();
      List<Generation> generations = generator.generate(List.of(text), Messages.parameters(message.body())).get(0);
      message.reply(Messages.generateReply(name, generations, started));
    } catch (Throwable error) {
      Replies.fail(message, name, error);
    }
  }
}
