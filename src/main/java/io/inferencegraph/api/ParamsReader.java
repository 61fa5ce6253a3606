package io.inferencegraph.api;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads generation parameters from a JSON-like map: types, ranges, unknown keys; each error names its field. */
final class ParamsReader {
  static final Set<String> KEYS = Set.of("max_length", "max_new_tokens", "min_new_tokens", "do_sample",
      "temperature", "top_k", "top_p", "seed", "num_return_sequences");

  /** generation_config.json keys that say nothing about how to generate (token ids are read elsewhere). */
  private static final Set<String> NOT_GENERATION = Set.of("_from_model_config", "transformers_version",
      "bos_token_id", "eos_token_id", "pad_token_id", "decoder_start_token_id", "use_cache");

  private ParamsReader() {}

  static GenerationParams strict(Map<String, ?> map) {
    for (String key : map.keySet()) {
      if (!KEYS.contains(key)) {
        throw new InvalidParameterException(key, "unknown parameter; known: " + KEYS.stream().sorted().toList());
      }
    }
    return read(map);
  }

  static GenerationParams.ModelDefaults lenient(Map<String, ?> map) {
    List<String> ignored = map.keySet().stream()
        .filter(key -> !KEYS.contains(key) && !NOT_GENERATION.contains(key)).sorted().toList();
    return new GenerationParams.ModelDefaults(read(map), ignored);
  }

  private static GenerationParams read(Map<String, ?> map) {
    GenerationParams params = GenerationParams.builder()
        .maxLength(atLeast("max_length", integer(map, "max_length"), 1))
        .maxNewTokens(atLeast("max_new_tokens", integer(map, "max_new_tokens"), 1))
        .minNewTokens(atLeast("min_new_tokens", integer(map, "min_new_tokens"), 0))
        .doSample(bool(map, "do_sample"))
        .temperature(number(map, "temperature"))
        .topK(atLeast("top_k", integer(map, "top_k"), 0))
        .topP(number(map, "top_p"))
        .seed(longValue(map, "seed"))
        .numReturnSequences(atLeast("num_return_sequences", integer(map, "num_return_sequences"), 1))
        .build();
    checkSampling(params);
    return params;
  }

  private static void checkSampling(GenerationParams p) {
    if (p.numReturnSequences() != null && p.numReturnSequences() > GenerationParams.MAX_RETURN_SEQUENCES) {
      throw new InvalidParameterException("num_return_sequences", "must be at most "
          + GenerationParams.MAX_RETURN_SEQUENCES);
    }
    if (p.temperature() != null && !(p.temperature() > 0 && Double.isFinite(p.temperature()))) {
      throw new InvalidParameterException("temperature", "must be a finite number > 0");
    }
    if (p.topP() != null && !(p.topP() > 0 && p.topP() <= 1)) {
      throw new InvalidParameterException("top_p", "must be in (0, 1]");
    }
  }

  private static Integer atLeast(String key, Integer value, int min) {
    if (value != null && value < min) {
      throw new InvalidParameterException(key, "must be >= " + min + ", got " + value);
    }
    return value;
  }

  private static Integer integer(Map<String, ?> map, String key) {
    Long value = longValue(map, key);
    if (value == null) {
      return null;
    }
    if (value > Integer.MAX_VALUE || value < Integer.MIN_VALUE) {
      throw new InvalidParameterException(key, "out of range: " + value);
    }
    return value.intValue();
  }

  private static Long longValue(Map<String, ?> map, String key) {
    Object value = map.get(key);
    if (value == null) {
      return null;
    }
    if (value instanceof Long || value instanceof Integer || value instanceof Short) {
      return ((Number) value).longValue();
    }
    if (value instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())
        && Math.abs(number.doubleValue()) < 0x1p53) {
      return number.longValue();
    }
    throw new InvalidParameterException(key, "must be an integer, got " + value);
  }

  private static Double number(Map<String, ?> map, String key) {
    Object value = map.get(key);
    if (value == null || value instanceof Number) {
      return value == null ? null : ((Number) value).doubleValue();
    }
    throw new InvalidParameterException(key, "must be a number, got " + value);
  }

  private static Boolean bool(Map<String, ?> map, String key) {
    Object value = map.get(key);
    if (value == null || value instanceof Boolean) {
      return (Boolean) value;
    }
    throw new InvalidParameterException(key, "must be true or false, got " + value);
  }
}
