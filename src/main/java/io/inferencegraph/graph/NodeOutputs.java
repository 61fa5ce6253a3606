package io.inferencegraph.graph;

import io.inferencegraph.bus.ClassifyReply;
import io.inferencegraph.bus.GenerateReply;
import io.inferencegraph.bus.Timing;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;

/**
 * What a model node's output looks like to references: a generate node gives {@code model},
 * {@code text} (its first sequence), {@code sequences} and {@code timing}; a classify node gives
 * {@code model}, {@code label}, {@code score}, {@code scores} and {@code timing}. A sequence that asked
 * for logprobs also has {@code logprobs}, in OpenAI's shape ({@link LogprobsJson}).
 */
final class NodeOutputs {
  private NodeOutputs() {}

  static JsonObject generated(GenerateReply reply) {
    JsonArray sequences = new JsonArray();
    for (int i = 0; i < reply.sequences().size(); i++) {
      sequences.add(sequence(reply.model(), i, reply.sequences().get(i), reply.timing()));
    }
    return new JsonObject()
        .put("model", reply.model())
        .put("text", reply.sequences().isEmpty() ? "" : reply.sequences().get(0).text())
        .put("sequences", sequences)
        .put("timing", timing(reply.timing()));
  }

  /** One sequence: also what a map over {@code .sequences} sees as {@code $item}. */
  static JsonObject sequence(String model, int index, GenerateReply.Sequence sequence, Timing timing) {
    JsonObject json = new JsonObject()
        .put("generated", sequence.text())
        .put("model", model)
        .put("index", index)
        .put("new_tokens", sequence.newTokens())
        .put("prompt_tokens", sequence.promptTokens())
        .put("finish_reason", sequence.finishReason())
        .put("prompt_truncated", sequence.promptTruncated());
    if (sequence.logprobs() != null) {
      json.put("logprobs", LogprobsJson.of(sequence.logprobs()));
    }
    return timing == null ? json : json.put("timing", timing(timing));
  }

  static JsonObject classified(String model, ClassifyReply.Label label, Timing timing) {
    return new JsonObject()
        .put("model", model)
        .put("label", label.label())
        .put("score", label.score())
        .put("scores", new JsonObject(new LinkedHashMap<>(label.scores())))
        .put("timing", timing(timing));
  }

  private static JsonObject timing(Timing timing) {
    return new JsonObject().put("started_us", timing.startedMicros()).put("ended_us", timing.endedMicros());
  }
}
