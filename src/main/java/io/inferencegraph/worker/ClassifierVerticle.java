package io.inferencegraph.worker;

import io.inferencegraph.bus.Addresses;
import io.inferencegraph.bus.Messages;
import io.inferencegraph.model.Classification;
import io.inferencegraph.model.TextClassifier;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Serves one text-classification model on its address; deployed as a worker. */
public final class ClassifierVerticle extends VerticleBase {
  private final String name;
  private final TextClassifier classifier;

  public ClassifierVerticle(String name, TextClassifier classifier) {
    this.name = name;
    this.classifier = classifier;
  }

  @Override
  public Future<?> start() {
    return vertx.eventBus().<JsonObject>consumer(Addresses.classifier(name), this::handle).completion();
  }

  private void handle(Message<JsonObject> message) {
    try {
      String text = Messages.text(message.body());
      long started = Messages.nowMicros();
      Classification result = classifier.classify(List.of(text)).get(0);
      message.reply(Messages.classifyReply(name, result, started));
    } catch (Throwable error) {
      Replies.fail(message, name, error);
    }
  }
}
