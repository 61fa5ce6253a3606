package io.inferencegraph.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The sizes this node serves its models with: {@link Sizing}'s choice for every "auto" instance
 * count and thread count, explicit numbers as configured. Made from the model files, before any
 * session loads; {@link #sized} is the configuration to load with.
 */
public record Plan(GraphConfig config, Sizing.Machine machine, List<Row> rows) {
  /** Tokens a prompt is assumed to take, for the length of the texts classified. */
  static final int PROMPT_TOKENS = 32;

  /** One served model: what it is and the choice made for it. */
  public record Row(ModelConfig model, Sizing.Facts facts, Sizing.Choice choice) {
    /** One line for the start-up log. */
    public String describe() {
      return String.format("%s: %d instance(s) x %d ONNX Runtime thread(s), batches of up to %d rows; %s",
          model.name(), choice.instances(), choice.threads(), model.batching().maxBatchSize(), choice.why());
    }
  }

  public Plan {
    rows = List.copyOf(rows);
  }

  /** The plan for the models {@code config}'s roles serve here, on {@code machine}. */
  public static Plan of(GraphConfig config, Sizing.Machine machine) {
    List<ModelConfig> served = config.models().stream().filter(config.roles()::serves).toList();
    List<Sizing.Facts> facts = served.stream()
        .map(m -> ModelFacts.of(m, forwardsPerRequest(config, m), textTokens(config))).toList();
    List<Sizing.Choice> choices = Sizing.plan(machine, facts);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < served.size(); i++) {
      rows.add(new Row(served.get(i), facts.get(i), choices.get(i)));
    }
    return new Plan(config, machine, rows);
  }

  /** The configuration with every served model's "auto" sizes replaced by the plan's. */
  public GraphConfig sized() {
    Map<String, Sizing.Choice> byName = rows.stream().map(Row::choice)
        .collect(Collectors.toMap(Sizing.Choice::name, Function.identity()));
    return config.withModels(m -> byName.containsKey(m.name())
        ? m.withSizes(byName.get(m.name()).instances(), byName.get(m.name()).threads()) : m);
  }

  /**
   * Tokens of a text a classifier reads, as generated: max_new_tokens plus {@link #PROMPT_TOKENS}
   * for the prompt, at most max_length (and max_length alone when max_new_tokens is not set).
   */
  static int textTokens(GraphConfig config) {
    var generation = config.generation();
    Integer maxLength = generation.maxLength();
    if (generation.maxNewTokens() == null) {
      return maxLength != null ? maxLength : 50 + PROMPT_TOKENS;
    }
    int tokens = generation.maxNewTokens() + PROMPT_TOKENS;
    return maxLength != null ? Math.min(tokens, maxLength) : tokens;
  }

  /**
   * Forwards one graph request costs a model: a generator's steps (max_new_tokens, else max_length,
   * per returned sequence); a classifier's texts (the seed's graph classifies every generated one).
   */
  static int forwardsPerRequest(GraphConfig config, ModelConfig model) {
    var generation = config.generation();
    int sequences = generation.numReturnSequences() != null ? generation.numReturnSequences() : 1;
    if (model.kind() == ModelConfig.Kind.GENERATOR) {
      Integer steps = generation.maxNewTokens() != null ? generation.maxNewTokens() : generation.maxLength();
      return (steps != null ? steps : 50) * sequences;
    }
    return Math.max(1, config.generators().size() * sequences);
  }
}
