package io.inferencegraph.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Text-generation parameters with the Hugging Face names; a null field means "not set here", so
 * layers of defaults combine with {@link #overriddenBy}.
 */
public record GenerationParams(
    Integer maxLength,
    Integer maxNewTokens,
    Boolean doSample,
    Double temperature,
    Integer topK,
    Double topP,
    Long seed,
    Integer numReturnSequences,
    Integer minNewTokens) {

  /** Without {@code min_new_tokens}. */
  public GenerationParams(Integer maxLength, Integer maxNewTokens, Boolean doSample, Double temperature, Integer topK,
      Double topP, Long seed, Integer numReturnSequences) {
    this(maxLength, maxNewTokens, doSample, temperature, topK, topP, seed, numReturnSequences, null);
  }

  /** Upper bound on sequences per prompt, so one request cannot occupy a whole batch. */
  public static final int MAX_RETURN_SEQUENCES = 16;

  public static final Set<String> KEYS = Set.of("max_length", "max_new_tokens", "do_sample",
      "temperature", "top_k", "top_p", "seed", "num_return_sequences", "min_new_tokens");

  public static GenerationParams none() {
    return new GenerationParams(null, null, null, null, null, null, null, null);
  }

  /** Fields set in {@code other} win over ours. */
  public GenerationParams overriddenBy(GenerationParams other) {
    return new GenerationParams(
        pick(other.maxLength, maxLength),
        pick(other.maxNewTokens, maxNewTokens),
        pick(other.doSample, doSample),
        pick(other.temperature, temperature),
        pick(other.topK, topK),
        pick(other.topP, topP),
        pick(other.seed, seed),
        pick(other.numReturnSequences, numReturnSequences),
        pick(other.minNewTokens, minNewTokens));
  }

  /**
   * Reads the known keys of a JSON-like map, checking types and ranges. With {@code strict}, an
   * unknown key is an error (requests); without, it is ignored (generation_config.json has many).
   */
  public static GenerationParams fromMap(Map<String, ?> map, boolean strict) {
    if (strict) {
      for (String key : map.keySet()) {
        if (!KEYS.contains(key)) {
          throw new InvalidParameterException(key, "unknown parameter; known: " + KEYS.stream().sorted().toList());
        }
      }
    }
    GenerationParams params = new GenerationParams(
        integer(map, "max_length"),
        integer(map, "max_new_tokens"),
        bool(map, "do_sample"),
        number(map, "temperature"),
        integer(map, "top_k"),
        number(map, "top_p"),
        longValue(map, "seed"),
        integer(map, "num_return_sequences"),
        integer(map, "min_new_tokens"));
    params.validate();
    return params;
  }

  /** The non-null fields with their Hugging Face names. */
  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    put(map, "max_length", maxLength);
    put(map, "max_new_tokens", maxNewTokens);
    put(map, "do_sample", doSample);
    put(map, "temperature", temperature);
    put(map, "top_k", topK);
    put(map, "top_p", topP);
    put(map, "seed", seed);
    put(map, "num_return_sequences", numReturnSequences);
    put(map, "min_new_tokens", minNewTokens);
    return map;
  }

  public void validate() {
    atLeast("max_length", maxLength, 1);
    atLeast("max_new_tokens", maxNewTokens, 1);
    atLeast("top_k", topK, 0);
    atLeast("num_return_sequences", numReturnSequences, 1);
    atLeast("min_new_tokens", minNewTokens, 0);
    if (numReturnSequences != null && numReturnSequences > MAX_RETURN_SEQUENCES) {
      throw new InvalidParameterException("num_return_sequences", "must be at most " + MAX_RETURN_SEQUENCES);
    }
    if (temperature != null && !(temperature > 0 && Double.isFinite(temperature))) {
      throw new InvalidParameterException("temperature", "must be a finite number > 0");
    }
    if (topP != null && !(topP > 0 && topP <= 1)) {
      throw new InvalidParameterException("top_p", "must be in (0, 1]");
    }
  }

  private static void atLeast(String key, Integer value, int min) {
    if (value != null && value < min) {
      throw new InvalidParameterException(key, "must be >= " + min + ", got " + value);
    }
  }

  private static <T> T pick(T preferred, T fallback) {
    return preferred != null ? preferred : fallback;
  }

  private static void put(Map<String, Object> map, String key, Object value) {
    if (value != null) {
      map.put(key, value);
    }
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
    if (value instanceof Number number) {
      double d = number.doubleValue();
      if (number instanceof Long || number instanceof Integer || number instanceof Short) {
        return number.longValue();
      }
      if (d == Math.rint(d) && Math.abs(d) < 0x1p53) {
        return (long) d;
      }
    }
    throw new InvalidParameterException(key, "must be an integer, got " + value);
  }

  private static Double number(Map<String, ?> map, String key) {
    Object value = map.get(key);
    if (value == null) {
      return null;
    }
    if (value instanceof Number number) {
      return number.doubleValue();
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
