package io.inferencegraph.http;

import io.inferencegraph.api.ErrorCode;
import io.inferencegraph.api.GenerationParams;
import io.inferencegraph.api.JsonValues;
import io.inferencegraph.api.ServiceException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A validated {@code POST /v1/completions}: OpenAI's fields mapped onto the generator's parameters
 * ({@code max_tokens} to {@code max_new_tokens}, {@code temperature: 0} to greedy, {@code n} to
 * {@code num_return_sequences}), over the configured defaults, as the graph endpoint does. OpenAI's
 * defaults hold where the request is silent: {@code max_tokens} 16, {@code temperature} 1 (sampling),
 * {@code top_p} 1. {@code logprobs} (0 to 5) asks for each token's logprob and that many alternatives. {@code prompts}: one or more, each a {@code String} or a token-id prompt
 * ({@link CompletionPrompts}).
 */
record CompletionRequest(String id, String model, List<Object> prompts, GenerationParams params, StopStrings stop,
    boolean stream, boolean includeUsage, long created) {
  private static final int DEFAULT_MAX_TOKENS = 16; // OpenAI's
  /**
   * OpenAI's defaults for what it has no parameter for, in place of Hugging Face's library defaults
   * under the model's generation_config.json: no top-k (the library's is 50) unless the model sets one.
   */
  static final GenerationParams OPENAI_BASE = GenerationParams.parse(Map.of("top_k", 0));
  /** Fields OpenAI defines that this server does not implement: refused unless left at their default. */
  private static final Set<String> UNSUPPORTED = Set.of("echo", "suffix", "logit_bias",
      "frequency_penalty", "presence_penalty");
  private static final Set<String> KNOWN = Set.of("model", "prompt", "max_tokens", "temperature", "top_p", "n",
      "seed", "stop", "stream", "stream_options", "user", "best_of", "logprobs");

  static CompletionRequest parse(String body, List<String> models, GenerationParams defaults, int maxTokensLimit) {
    JsonObject json = JsonBody.object(body, "{\"model\": \"" + (models.isEmpty() ? "MODEL" : models.get(0))
        + "\", \"prompt\": \"Hello\", \"max_tokens\": 16}");
    for (String key : json.fieldNames()) {
      if (UNSUPPORTED.contains(key) && !isDefault(key, json.getValue(key))) {
        throw ServiceException.invalid(key, "not supported by this server");
      } else if (!KNOWN.contains(key) && !UNSUPPORTED.contains(key)) {
        throw ServiceException.invalid(key, "unknown field");
      }
    }
    if (!(json.getValue("model") instanceof String model)) {
      throw ServiceException.invalid("model", (json.containsKey("model") ? "must be a string, got "
          + JsonValues.describe(json.getValue("model")) : "is missing") + "; one of " + models);
    }
    if (!models.contains(model)) {
      throw new ServiceException(ErrorCode.MODEL_NOT_FOUND, "The model '" + model + "' does not exist; models: " + models);
    }
    GenerationParams params = defaults.overriddenBy(GenerationParams.parse(parameters(json, maxTokensLimit)));
    bestOf(json);
    boolean stream = Boolean.TRUE.equals(bool(json, "stream"));
    List<Object> prompts = CompletionPrompts.parse(json.getValue("prompt"));
    int n = params.numReturnSequences() == null ? 1 : params.numReturnSequences();
    if (prompts.size() * n > GenerationParams.MAX_RETURN_SEQUENCES) {
      throw ServiceException.invalid("prompt", prompts.size() + " prompts with n " + n + " make " + prompts.size() * n
          + " choices; at most " + GenerationParams.MAX_RETURN_SEQUENCES + " per request");
    }
    return new CompletionRequest("cmpl-" + UUID.randomUUID(), model, prompts, params,
        stop(json.getValue("stop")), stream, includeUsage(json, stream), System.currentTimeMillis() / 1000);
  }

  /** Choices per prompt ({@code n}). */
  int choicesPerPrompt() {
    return params.numReturnSequences() == null ? 1 : params.numReturnSequences();
  }

  /** Whether the choices carry logprobs ({@code logprobs} set, 0 included). */
  boolean logprobs() {
    return params.logprobs() != null;
  }

  /** best_of picks the likeliest of several; with best_of equal to n there is nothing to pick. */
  private static void bestOf(JsonObject json) {
    Object bestOf = json.getValue("best_of");
    Object n = json.getValue("n") == null ? 1 : json.getValue("n");
    if (bestOf != null && !(bestOf instanceof Number b && n instanceof Number c && b.doubleValue() == c.doubleValue())) {
      throw ServiceException.invalid("best_of", "only best_of equal to n (" + n + ") is supported, got " + bestOf);
    }
  }

  /** stream_options.include_usage: a last chunk with the usage; only with stream true, as OpenAI has it. */
  private static boolean includeUsage(JsonObject json, boolean stream) {
    Object options = json.getValue("stream_options");
    if (options == null) {
      return false;
    }
    if (!(options instanceof JsonObject object)) {
      throw ServiceException.invalid("stream_options", "must be an object");
    }
    if (!stream) {
      throw ServiceException.invalid("stream_options", "only allowed when stream is true");
    }
    for (String key : object.fieldNames()) {
      if (!key.equals("include_usage")) {
        throw ServiceException.invalid("stream_options." + key, "unknown field; known: include_usage");
      }
    }
    return Boolean.TRUE.equals(bool(object, "include_usage"));
  }

  private static Map<String, Object> parameters(JsonObject json, int maxTokensLimit) {
    Map<String, Object> map = new HashMap<>();
    Object maxTokens = json.getValue("max_tokens") == null ? DEFAULT_MAX_TOKENS : json.getValue("max_tokens");
    if (maxTokens instanceof Number n && n.longValue() > maxTokensLimit) {
      throw ServiceException.invalid("max_tokens", "must be at most " + maxTokensLimit);
    }
    map.put("max_new_tokens", maxTokens);
    Object temperature = json.getValue("temperature");
    if (temperature instanceof Number t && t.doubleValue() == 0) {
      map.put("do_sample", false); // OpenAI's temperature 0 is greedy decoding
    } else {
      map.put("do_sample", true); // OpenAI samples unless told otherwise, at temperature 1
      map.put("temperature", temperature == null ? 1.0 : temperature);
    }
    map.put("top_p", json.getValue("top_p") == null ? 1.0 : json.getValue("top_p"));
    putIfSet(map, "seed", json.getValue("seed"));
    putIfSet(map, "num_return_sequences", json.getValue("n"));
    putIfSet(map, "logprobs", json.getValue("logprobs"));
    if (json.getValue("stop") != null) {
      map.put("stop_strings", stop(json.getValue("stop")).stops()); // the generator ends a sequence at one
    }
    try {
      GenerationParams.parse(map);
    } catch (ServiceException e) {
      throw OpenAiNames.translate(e);
    }
    return map;
  }

  private static StopStrings stop(Object stop) {
    if (stop == null) {
      return StopStrings.NONE;
    }
    List<String> stops = new ArrayList<>();
    for (Object item : stop instanceof JsonArray array ? array.getList() : List.of(stop)) {
      if (!(item instanceof String s) || s.isEmpty()) {
        throw ServiceException.invalid("stop", "must be a non-empty string or a list of them, got "
            + JsonValues.describe(stop instanceof JsonArray ? item : stop));
      }
      stops.add(s);
    }
    if (stops.size() > 4) {
      throw ServiceException.invalid("stop", "at most 4 stop sequences");
    }
    return new StopStrings(stops);
  }

  private static Boolean bool(JsonObject json, String key) {
    Object value = json.getValue(key);
    if (value != null && !(value instanceof Boolean)) {
      throw ServiceException.invalid(key, "must be true or false, got " + JsonValues.describe(value));
    }
    return (Boolean) value;
  }

  private static void putIfSet(Map<String, Object> map, String key, Object value) {
    if (value != null) {
      map.put(key, value);
    }
  }

  /** OpenAI's own default for an unsupported field (off, zero or empty). */
  private static boolean isDefault(String key, Object value) {
    return value == null || Boolean.FALSE.equals(value) || (value instanceof Number n && n.doubleValue() == 0)
        || (value instanceof JsonObject o && o.isEmpty());
  }
}
