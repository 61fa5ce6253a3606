package io.inferencegraph.bus;

import io.inferencegraph.model.BatchStats;
import io.inferencegraph.model.Classification;
import io.inferencegraph.model.ClassifierBatcher;
import io.inferencegraph.model.ContinuousBatcher;
import io.inferencegraph.model.Generation;
import io.inferencegraph.model.GenerationParams;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/** The JSON bodies on the model addresses; plain JSON so that they cross a clustered bus as is. */
public final class Messages {
  private Messages() {}

  public static JsonObject generateRequest(String text, GenerationParams params) {
    return new JsonObject().put("text", text).put("parameters", new JsonObject(params.toMap()));
  }

  public static String text(JsonObject request) {
    String text = request.getString("text");
    if (text == null) {
      throw new IllegalArgumentException("message has no 'text'");
    }
    return text;
  }

  public static GenerationParams parameters(JsonObject request) {
    JsonObject parameters = request.getJsonObject("parameters", new JsonObject());
    return GenerationParams.fromMap(parameters.getMap(), true);
  }

  /** Wall-clock microseconds, comparable across nodes with synchronised clocks. */
  public static long nowMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  public static JsonObject generateReply(String model, ContinuousBatcher.Result result, long startedMicros) {
    JsonArray array = new JsonArray();
    for (Generation g : result.generations()) {
      array.add(new JsonObject()
          .put("generated_text", g.generatedText())
          .put("prompt_tokens", g.promptTokens())
          .put("new_tokens", g.newTokens())
          .put("dropped_prompt_tokens", g.droppedPromptTokens())
          .put("finish_reason", g.finishReason()));
    }
    return new JsonObject().put("model", model).put("generations", array)
        .put("started_us", startedMicros).put("ended_us", nowMicros()).put("batch", stats(result.stats()));
  }

  public static JsonObject classifyRequest(String text) {
    return new JsonObject().put("text", text);
  }

  public static JsonObject classifyReply(String model, ClassifierBatcher.Result result, long startedMicros) {
    Classification c = result.classification();
    return new JsonObject()
        .put("model", model)
        .put("label", c.label())
        .put("score", c.score())
        .put("scores", new JsonObject(new java.util.LinkedHashMap<>(c.scores())))
        .put("tokens", c.tokens())
        .put("truncated", c.truncated())
        .put("started_us", startedMicros)
        .put("ended_us", nowMicros())
        .put("batch", stats(result.stats()));
  }

  private static JsonObject stats(BatchStats stats) {
    return new JsonObject()
        .put("queue_ms", stats.queuedNanos() / 1e6)
        .put("run_ms", stats.runNanos() / 1e6)
        .put("size", stats.batchSize());
  }
}
