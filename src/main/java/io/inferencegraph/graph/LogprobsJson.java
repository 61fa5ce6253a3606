package io.inferencegraph.graph;

import io.inferencegraph.api.TokenLogprob;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Logprobs as OpenAI's legacy completions write them: {@code tokens}, {@code token_logprobs},
 * {@code top_logprobs} (one object per token, best first) and {@code text_offset}, column by column.
 */
public final class LogprobsJson {
  private LogprobsJson() {}

  /** The columns of {@code entries}, in order. */
  public static JsonObject of(List<TokenLogprob> entries) {
    JsonArray tokens = new JsonArray();
    JsonArray logprobs = new JsonArray();
    JsonArray top = new JsonArray();
    JsonArray offsets = new JsonArray();
    for (TokenLogprob entry : entries) {
      tokens.add(entry.token());
      logprobs.add(entry.logprob());
      top.add(new JsonObject(new LinkedHashMap<>(entry.top())));
      offsets.add(entry.textOffset());
    }
    return columns(tokens, logprobs, top, offsets);
  }

  /** The entries of {@code logprobs} whose text starts before {@code length} (a stop string cut the text there). */
  public static JsonObject before(JsonObject logprobs, int length) {
    JsonArray offsets = logprobs.getJsonArray("text_offset");
    int kept = 0;
    while (kept < offsets.size() && offsets.getInteger(kept) < length) {
      kept++;
    }
    return columns(head(logprobs.getJsonArray("tokens"), kept), head(logprobs.getJsonArray("token_logprobs"), kept),
        head(logprobs.getJsonArray("top_logprobs"), kept), head(offsets, kept));
  }

  private static JsonArray head(JsonArray array, int n) {
    return new JsonArray(new ArrayList<>(array.getList().subList(0, n)));
  }

  private static JsonObject columns(JsonArray tokens, JsonArray logprobs, JsonArray top, JsonArray offsets) {
    return new JsonObject().put("tokens", tokens).put("token_logprobs", logprobs).put("top_logprobs", top)
        .put("text_offset", offsets);
  }
}
