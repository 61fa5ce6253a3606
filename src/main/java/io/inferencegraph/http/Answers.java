package io.inferencegraph.http;

import io.inferencegraph.graph.Answer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** The graph's answer as the README documents it: one JSON entry per generated sequence, in order. */
final class Answers {
  private Answers() {}

  static JsonArray toJson(List<Answer> answers) {
    JsonArray array = new JsonArray();
    answers.forEach(answer -> array.add(entry(answer)));
    return array;
  }

  private static JsonObject entry(Answer answer) {
    return new JsonObject()
        .put("generated", answer.sequence().text())
        .put("score", answer.classified().score())
        .put("label", answer.classified().label())
        .put("model", answer.generated().model())
        .put("new_tokens", answer.sequence().newTokens())
        .put("finish_reason", answer.sequence().finishReason())
        .put("prompt_truncated", answer.sequence().promptTruncated())
        .put("timing", new JsonObject()
            .put("generate_started_us", answer.generated().timing().startedMicros())
            .put("generate_ended_us", answer.generated().timing().endedMicros())
            .put("classify_started_us", answer.classified().timing().startedMicros())
            .put("classify_ended_us", answer.classified().timing().endedMicros()));
  }
}
