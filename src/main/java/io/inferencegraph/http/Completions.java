package io.inferencegraph.http;

import io.inferencegraph.api.TokenLogprob;
import io.inferencegraph.graph.LogprobsJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** OpenAI's completion objects: the answer and a streamed chunk, from the generator's results. */
final class Completions {
  private Completions() {}

  /**
   * The answer, from each prompt's generate node output ({@code sequences}: each with its text and
   * counts), in prompt order: prompt i's choice j has index i * n + j, as OpenAI numbers them.
   */
  static JsonObject toJson(CompletionRequest request, List<JsonObject> generated) {
    JsonArray choices = new JsonArray();
    int promptTokens = 0;
    int completionTokens = 0;
    for (int p = 0; p < generated.size(); p++) {
      JsonArray sequences = generated.get(p).getJsonArray("sequences");
      String prompt = CompletionPrompts.text(request.prompts().get(p));
      for (int j = 0; j < sequences.size(); j++) {
        JsonObject sequence = sequences.getJsonObject(j);
        String text = continuation(prompt, sequence);
        int cut = request.stop().cut(text);
        JsonObject logprobs = logprobs(request, sequence.getJsonObject("logprobs"));
        choices.add(choice(p * request.choicesPerPrompt() + j, cut < 0 ? text : text.substring(0, cut),
            cut < 0 ? finishReason(sequence) : "stop", cut < 0 || logprobs == null ? logprobs
            : LogprobsJson.before(logprobs, cut)));
        completionTokens += sequence.getInteger("new_tokens");
      }
      promptTokens += sequences.isEmpty() ? 0 : sequences.getJsonObject(0).getInteger("prompt_tokens");
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
  static JsonObject chunk(CompletionRequest request, int index, String text, String finishReason,
      List<TokenLogprob> logprobs) {
    return head(request).put("choices", new JsonArray().add(choice(index, text, finishReason,
        request.logprobs() ? LogprobsJson.of(logprobs) : null)));
  }

  /** A choice's logprobs: null unless asked for; asked for, never null (none when the generator sent none). */
  private static JsonObject logprobs(CompletionRequest request, JsonObject generated) {
    if (!request.logprobs()) {
      return null;
    }
    return generated != null ? generated : LogprobsJson.of(List.of());
  }

  /** OpenAI's reasons: the model's end of text and a stop string are both "stop". */
  static String finishReason(JsonObject sequence) {
    return "length".equals(sequence.getString("finish_reason")) ? "length" : "stop";
  }

  /** The continuation only: the generator's text is the prompt's text followed by it. */
  private static String continuation(String prompt, JsonObject sequence) {
    String text = sequence.getString("generated");
    return text.startsWith(prompt) ? text.substring(prompt.length()) : text;
  }

  private static JsonObject head(CompletionRequest request) {
    return new JsonObject().put("id", request.id()).put("object", "text_completion")
        .put("created", request.created()).put("model", request.model());
  }

  private static JsonObject choice(int index, String text, String finishReason, JsonObject logprobs) {
    return new JsonObject().put("text", text).put("index", index).put("logprobs", logprobs)
        .put("finish_reason", finishReason);
  }
}
