package io.inferencegraph.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** OpenAI's completion objects: the answer and a streamed chunk, from the generator's results. */
final class Completions {
  private Completions() {}

  /** The answer, from the generate node's output ({@code sequences}: each with its text and counts). */
  static JsonObject toJson(CompletionRequest request, JsonObject generated) {
    JsonArray choices = new JsonArray();
    JsonArray sequences = generated.getJsonArray("sequences");
    int promptTokens = 0;
    int completionTokens = 0;
    for (int i = 0; i < sequences.size(); i++) {
      JsonObject sequence = sequences.getJsonObject(i);
      String text = continuation(request, sequence);
      int cut = request.stop().cut(text);
      choices.add(choice(i, cut < 0 ? text : text.substring(0, cut), cut < 0 ? finishReason(sequence) : "stop"));
      promptTokens = sequence.getInteger("prompt_tokens");
      completionTokens += sequence.getInteger("new_tokens");
    }
    return head(request).put("choices", choices).put("usage", usage(promptTokens, completionTokens));
  }

  /** stream_options.include_usage's last chunk: no choices, the whole request's usage. */
  static JsonObject usageChunk(CompletionRequest request, int promptTokens, int completionTokens) {
    return head(request).put("choices", new JsonArray()).put("usage", usage(promptTokens, completionTokens));
  }

  private static JsonObject usage(int promptTokens, int completionTokens) {
    return new JsonObject().put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens)
        .put("total_tokens", promptTokens + completionTokens);
  }

  /** One streamed chunk: the same object with one choice whose text is a delta; no finish reason until the last. */
  static JsonObject chunk(CompletionRequest request, int index, String text, String finishReason) {
    return head(request).put("choices", new JsonArray().add(choice(index, text, finishReason)));
  }

  /** OpenAI's reasons: the model's end of text and a stop string are both "stop". */
  static String finishReason(JsonObject sequence) {
    return "length".equals(sequence.getString("finish_reason")) ? "length" : "stop";
  }

  /** The continuation only: the generator's text is the prompt followed by it. */
  static String continuation(CompletionRequest request, JsonObject sequence) {
    String text = sequence.getString("generated");
    return text.startsWith(request.prompt()) ? text.substring(request.prompt().length()) : text;
  }

  private static JsonObject head(CompletionRequest request) {
    return new JsonObject().put("id", request.id()).put("object", "text_completion")
        .put("created", request.created()).put("model", request.model());
  }

  private static JsonObject choice(int index, String text, String finishReason) {
    return new JsonObject().put("text", text).put("index", index).putNull("logprobs")
        .put("finish_reason", finishReason);
  }
}
