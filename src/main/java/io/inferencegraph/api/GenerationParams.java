package io.inferencegraph.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Text-generation parameters with the Hugging Face names; a null field means "not set here", so
 * layers of defaults combine with {@link #overriddenBy}. Input from outside (a request, the config,
 * a model's generation_config.json) enters through {@link #parse}, which checks types and ranges
 * once; values built in code with {@link #builder} are trusted as given.
 */
public final class GenerationParams {
  /** Upper bound on sequences per prompt, so one request cannot occupy a whole batch. */
  public static final int MAX_RETURN_SEQUENCES = 16;

  private static final GenerationParams NONE = builder().build();

  private final Integer maxLength;
  private final Integer maxNewTokens;
  private final Integer minNewTokens;
  private final Boolean doSample;
  private final Double temperature;
  private final Integer topK;
  private final Double topP;
  private final Long seed;
  private final Integer numReturnSequences;

  private GenerationParams(Builder b) {
    maxLength = b.maxLength;
    maxNewTokens = b.maxNewTokens;
    minNewTokens = b.minNewTokens;
    doSample = b.doSample;
    temperature = b.temperature;
    topK = b.topK;
    topP = b.topP;
    seed = b.seed;
    numReturnSequences = b.numReturnSequences;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Nothing set: every parameter comes from the layers below. */
  public static GenerationParams none() {
    return NONE;
  }

  /** A request's or the config's parameters: an unknown key, a wrong type or a value out of range is refused. */
  public static GenerationParams parse(Map<String, ?> map) {
    return ParamsReader.strict(map);
  }

  /**
   * A model's generation_config.json (or task_specific_params): the keys this service implements,
   * checked as in {@link #parse}, and the generation keys it does not implement, which are ignored.
   */
  public static ModelDefaults parseModelDefaults(Map<String, ?> map) {
    return ParamsReader.lenient(map);
  }

  /** What a model directory's generation settings give, and the keys among them that are ignored. */
  public record ModelDefaults(GenerationParams params, List<String> ignoredKeys) {
    public ModelDefaults {
      ignoredKeys = List.copyOf(ignoredKeys);
    }
  }

  /** Fields set in {@code other} win over ours. */
  public GenerationParams overriddenBy(GenerationParams other) {
    return builder()
        .maxLength(pick(other.maxLength, maxLength))
        .maxNewTokens(pick(other.maxNewTokens, maxNewTokens))
        .minNewTokens(pick(other.minNewTokens, minNewTokens))
        .doSample(pick(other.doSample, doSample))
        .temperature(pick(other.temperature, temperature))
        .topK(pick(other.topK, topK))
        .topP(pick(other.topP, topP))
        .seed(pick(other.seed, seed))
        .numReturnSequences(pick(other.numReturnSequences, numReturnSequences))
        .build();
  }

  /** The set fields with their Hugging Face names, as {@link #parse} reads them. */
  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    put(map, "max_length", maxLength);
    put(map, "max_new_tokens", maxNewTokens);
    put(map, "min_new_tokens", minNewTokens);
    put(map, "do_sample", doSample);
    put(map, "temperature", temperature);
    put(map, "top_k", topK);
    put(map, "top_p", topP);
    put(map, "seed", seed);
    put(map, "num_return_sequences", numReturnSequences);
    return map;
  }

  public Integer maxLength() {
    return maxLength;
  }

  public Integer maxNewTokens() {
    return maxNewTokens;
  }

  public Integer minNewTokens() {
    return minNewTokens;
  }

  public Boolean doSample() {
    return doSample;
  }

  public Double temperature() {
    return temperature;
  }

  public Integer topK() {
    return topK;
  }

  public Double topP() {
    return topP;
  }

  public Long seed() {
    return seed;
  }

  public Integer numReturnSequences() {
    return numReturnSequences;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof GenerationParams params && toMap().equals(params.toMap());
  }

  @Override
  public int hashCode() {
    return Objects.hash(toMap());
  }

  @Override
  public String toString() {
    return "GenerationParams" + toMap();
  }

  private static <T> T pick(T preferred, T fallback) {
    return preferred != null ? preferred : fallback;
  }

  private static void put(Map<String, Object> map, String key, Object value) {
    if (value != null) {
      map.put(key, value);
    }
  }

  /** Names each parameter it sets; a parameter not set (or set to null) is left to the layers below. */
  public static final class Builder {
    private Integer maxLength;
    private Integer maxNewTokens;
    private Integer minNewTokens;
    private Boolean doSample;
    private Double temperature;
    private Integer topK;
    private Double topP;
    private Long seed;
    private Integer numReturnSequences;

    private Builder() {}

    public Builder maxLength(Integer value) {
      maxLength = value;
      return this;
    }

    public Builder maxNewTokens(Integer value) {
      maxNewTokens = value;
      return this;
    }

    public Builder minNewTokens(Integer value) {
      minNewTokens = value;
      return this;
    }

    public Builder doSample(Boolean value) {
      doSample = value;
      return this;
    }

    public Builder temperature(Double value) {
      temperature = value;
      return this;
    }

    public Builder topK(Integer value) {
      topK = value;
      return this;
    }

    public Builder topP(Double value) {
      topP = value;
      return this;
    }

    public Builder seed(Long value) {
      seed = value;
      return this;
    }

    public Builder numReturnSequences(Integer value) {
      numReturnSequences = value;
      return this;
    }

    public GenerationParams build() {
      return new GenerationParams(this);
    }
  }
}
