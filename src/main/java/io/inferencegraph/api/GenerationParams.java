package io.inferencegraph.api;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One request's text-generation parameters, with Hugging Face's meanings: validated once, where the
 * request enters (every constructor call checks ranges, so a value that exists is valid), then carried
 * unchanged over the event bus to the batcher. A null field means "not set here", so layers of defaults
 * combine with {@link #overriddenBy}. Each parameter is spelled once, as a component: its Hugging Face
 * name is the component's name in snake_case, and reading, merging and writing go by the components.
 * {@code logprobs} (OpenAI's, not Hugging Face's): how many alternatives to list with each new token's
 * log-probability; null: none computed.
 */
public record GenerationParams(
    Integer maxLength,
    Integer maxNewTokens,
    Integer minNewTokens,
    Boolean doSample,
    Double temperature,
    Integer topK,
    Double topP,
    Long seed,
    Integer numReturnSequences,
    List<String> stopStrings,
    Double repetitionPenalty,
    Integer noRepeatNgramSize,
    List<List<Long>> badWordsIds,
    Integer logprobs) {

  /** Upper bound on sequences per prompt, so one request cannot occupy a whole batch. */
  public static final int MAX_RETURN_SEQUENCES = 16;

  /** Most alternatives {@code logprobs} may ask for per token, as OpenAI's completions allow. */
  public static final int MAX_LOGPROBS = 5;

  private static final RecordComponent[] FIELDS = GenerationParams.class.getRecordComponents();
  private static final Constructor<GenerationParams> CANONICAL = canonical();

  /** The parameters' Hugging Face names, in declaration order. */
  public static final List<String> KEYS = Arrays.stream(FIELDS).map(f -> snakeCase(f.getName())).toList();

  /** generation_config.json keys that say nothing about how to generate (token ids are read elsewhere). */
  private static final Set<String> NOT_GENERATION = Set.of("_from_model_config", "transformers_version",
      "bos_token_id", "eos_token_id", "pad_token_id", "decoder_start_token_id", "use_cache");

  private static final GenerationParams NONE = read(Map.of());

  /** Hugging Face GenerationConfig's own defaults: what holds where no request, config or model sets a value. */
  public static final GenerationParams LIBRARY_DEFAULTS = parse(Map.of("max_length", 20, "min_new_tokens", 0,
      "do_sample", false, "temperature", 1.0, "top_k", 50, "top_p", 1.0, "num_return_sequences", 1,
      "repetition_penalty", 1.0, "no_repeat_ngram_size", 0));

  public GenerationParams {
    atLeast("max_length", maxLength, 1);
    atLeast("max_new_tokens", maxNewTokens, 1);
    atLeast("min_new_tokens", minNewTokens, 0);
    atLeast("top_k", topK, 0);
    atLeast("num_return_sequences", numReturnSequences, 1);
    if (numReturnSequences != null && numReturnSequences > MAX_RETURN_SEQUENCES) {
      throw ServiceException.invalid("num_return_sequences", "must be at most " + MAX_RETURN_SEQUENCES);
    }
    if (temperature != null && !(temperature > 0 && Double.isFinite(temperature))) {
      throw ServiceException.invalid("temperature", "must be a finite number > 0");
    }
    if (topP != null && !(topP > 0 && topP <= 1)) {
      throw ServiceException.invalid("top_p", "must be in (0, 1]");
    }
    if (repetitionPenalty != null && !(repetitionPenalty > 0 && Double.isFinite(repetitionPenalty))) {
      throw ServiceException.invalid("repetition_penalty", "must be a finite number > 0");
    }
    atLeast("no_repeat_ngram_size", noRepeatNgramSize, 0);
    if (logprobs != null && (logprobs < 0 || logprobs > MAX_LOGPROBS)) {
      throw ServiceException.invalid("logprobs", "must be an integer from 0 to " + MAX_LOGPROBS + ", got " + logprobs);
    }
    stopStrings = stopStrings == null ? null : List.copyOf(stopStrings);
    badWordsIds = badWordsIds == null ? null : tokenIdLists(badWordsIds);
  }

  /** bad_words_ids as transformers' NoBadWordsLogitsProcessor takes them: at least one word, each of one or more ids >= 0. */
  private static List<List<Long>> tokenIdLists(List<List<Long>> words) {
    if (words.isEmpty()) {
      throw ServiceException.invalid("bad_words_ids", "must be a non-empty list of lists of token ids");
    }
    for (List<Long> word : words) {
      if (word.isEmpty()) {
        throw ServiceException.invalid("bad_words_ids", "each bad word must have at least one token id, got []");
      }
      for (long id : word) {
        if (id < 0) {
          throw ServiceException.invalid("bad_words_ids", "token ids must be >= 0, got " + id);
        }
      }
    }
    return words.stream().map(List::copyOf).toList();
  }

  /** Refuses a bad_words_ids token id outside the model's vocabulary of {@code vocabulary} ids (transformers does too). */
  public void checkTokenIds(int vocabulary) {
    if (badWordsIds == null) {
      return;
    }
    for (List<Long> word : badWordsIds) {
      for (long id : word) {
        if (id >= vocabulary) {
          throw ServiceException.invalid("bad_words_ids", "token id " + id + " is not in the model's vocabulary (0 to "
              + (vocabulary - 1) + ")");
        }
      }
    }
  }

  /** Nothing set: every parameter comes from the layers below. */
  public static GenerationParams none() {
    return NONE;
  }

  /** A request's or the config's parameters by name: an unknown key, a wrong type or a value out of range is refused. */
  public static GenerationParams parse(Map<String, ?> map) {
    for (String key : map.keySet()) {
      if (!KEYS.contains(key)) {
        throw ServiceException.invalid(key, "unknown parameter; known: " + KEYS.stream().sorted().toList());
      }
    }
    return read(map);
  }

  /**
   * A model's generation_config.json (or task_specific_params): the keys this service implements,
   * checked as in {@link #parse}, and the generation keys it does not implement, which are ignored.
   */
  public static ModelDefaults parseModelDefaults(Map<String, ?> map) {
    List<String> ignored = map.keySet().stream()
        .filter(key -> !KEYS.contains(key) && !NOT_GENERATION.contains(key)).sorted().toList();
    return new ModelDefaults(read(map), ignored);
  }

  /** What a model directory's generation settings give, and the keys among them that are ignored. */
  public record ModelDefaults(GenerationParams params, List<String> ignoredKeys) {
    public ModelDefaults {
      ignoredKeys = List.copyOf(ignoredKeys);
    }
  }

  /** Fields set in {@code other} win over ours. */
  public GenerationParams overriddenBy(GenerationParams other) {
    Object[] values = new Object[FIELDS.length];
    for (int i = 0; i < FIELDS.length; i++) {
      Object preferred = other.get(i);
      values[i] = preferred != null ? preferred : get(i);
    }
    return construct(values);
  }

  /** The set fields with their Hugging Face names, as {@link #parse} reads them. */
  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < FIELDS.length; i++) {
      if (get(i) != null) {
        map.put(KEYS.get(i), get(i));
      }
    }
    return map;
  }

  private Object get(int field) {
    try {
      return FIELDS[field].getAccessor().invoke(this);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static GenerationParams read(Map<String, ?> map) {
    Object[] values = new Object[FIELDS.length];
    for (int i = 0; i < FIELDS.length; i++) {
      values[i] = ParamValues.convert(KEYS.get(i), FIELDS[i].getGenericType(), map.get(KEYS.get(i)));
    }
    return construct(values);
  }

  private static void atLeast(String key, Integer value, int min) {
    if (value != null && value < min) {
      throw ServiceException.invalid(key, "must be >= " + min + ", got " + value);
    }
  }

  private static GenerationParams construct(Object[] values) {
    try {
      return CANONICAL.newInstance(values);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException invalid) {
        throw invalid;
      }
      throw new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Constructor<GenerationParams> canonical() {
    try {
      return GenerationParams.class.getDeclaredConstructor(
          Arrays.stream(FIELDS).map(RecordComponent::getType).toArray(Class<?>[]::new));
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String snakeCase(String name) {
    return name.replaceAll("([A-Z])", "_$1").toLowerCase();
  }
}
