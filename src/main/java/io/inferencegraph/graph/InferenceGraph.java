package io.inferencegraph.graph;

import io.inferencegraph.bus.Addresses;
import io.inferencegraph.bus.Messages;
import io.inferencegraph.bus.StageException;
import io.inferencegraph.model.GenerationParams;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * BentoML's inference graph over the event bus: the prompt goes to every generator at once, then
 * each generated text is classified one after another, in generator order.
 */
public final class InferenceGraph {
  private final EventBus bus;
  private final List<String> generators;
  private final String classifier;
  private final DeliveryOptions delivery;

  public InferenceGraph(EventBus bus, List<String> generators, String classifier, long timeoutMs) {
    this.bus = bus;
    this.generators = List.copyOf(generators);
    this.classifier = classifier;
    this.delivery = new DeliveryOptions().setSendTimeout(timeoutMs);
  }

  /** One answer entry per generated sequence, generators in configured order. */
  public Future<JsonArray> run(String prompt, GenerationParams params) {
    List<Future<JsonObject>> generated = generators.stream().map(model -> generate(model, prompt, params)).toList();
    return Future.all(generated).compose(all -> classifyInOrder(all.<JsonObject>list()));
  }

  private Future<JsonObject> generate(String model, String prompt, GenerationParams params) {
    return bus.<JsonObject>request(Addresses.generator(model), Messages.generateRequest(prompt, params), delivery)
        .map(Message::body)
        .recover(error -> Future.failedFuture(new StageException("generator", model, error)));
  }

  private Future<JsonArray> classifyInOrder(List<JsonObject> replies) {
    Future<JsonArray> answers = Future.succeededFuture(new JsonArray());
    for (JsonObject reply : replies) {
      for (Object item : reply.getJsonArray("generations")) {
        JsonObject generation = (JsonObject) item;
        answers = answers.compose(list -> classify(generation.getString("generated_text"))
            .map(classification -> list.add(entry(reply, generation, classification))));
      }
    }
    return answers;
  }

  private Future<JsonObject> classify(String text) {
    return bus.<JsonObject>request(Addresses.classifier(classifier), Messages.classifyRequest(text), delivery)
        .map(Message::body)
        .recover(error -> Future.failedFuture(new StageException("classifier", classifier, error)));
  }

  private static JsonObject entry(JsonObject reply, JsonObject generation, JsonObject classification) {
    return new JsonObject()
        .put("generated", generation.getString("generated_text"))
        .put("score", classification.getDouble("score"))
        .put("label", classification.getString("label"))
        .put("model", reply.getString("model"))
        .put("new_tokens", generation.getInteger("new_tokens"))
        .put("finish_reason", generation.getString("finish_reason"))
        .put("prompt_truncated", generation.getInteger("dropped_prompt_tokens", 0) > 0)
        .put("timing", new JsonObject()
            .put("generate_started_us", reply.getLong("started_us"))
            .put("generate_ended_us", reply.getLong("ended_us"))
            .put("classify_started_us", classification.getLong("started_us"))
            .put("classify_ended_us", classification.getLong("ended_us")));
  }
}
