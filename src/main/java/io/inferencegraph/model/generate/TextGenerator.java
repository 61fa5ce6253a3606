package io.inferencegraph.model.generate;

import ai.onnxruntime.OrtException;
import io.inferencegraph.api.GenerationParams;
import io.inferencegraph.api.ServiceException;
import io.inferencegraph.api.StopText;
import io.inferencegraph.api.TokenLogprob;
import io.inferencegraph.model.decode.DecodeBatch;
import io.inferencegraph.model.decode.DecoderGraph;
import io.inferencegraph.model.decode.Sequence;
import io.inferencegraph.model.load.DecoderConfig;
import io.inferencegraph.model.load.ModelDirectory;
import io.inferencegraph.model.load.ModelOptions;
import io.inferencegraph.model.load.TextTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A GPT-2-family causal language model from a Hugging Face ONNX export. One ONNX Runtime session,
 * shared by every batch over it: it {@link #prepare}s a prompt into sequences, gives a {@link DecodeBatch}
 * to decode them in, and {@link #finish}es a sequence into text.
 */
public final class TextGenerator implements AutoCloseable {

  /** Graph base names looked for, in order, when no file is configured: cached decoders first. */
  public static final List<String> GRAPH_FILES = DecoderGraph.FILES;

  /** Graphs that need another beside them: a legacy with-past decoder is prefilled by its no-past twin. */
  public static final Map<String, String> GRAPH_COMPANIONS = DecoderGraph.COMPANIONS;

  private final String name;
  private final DecoderConfig config;
  private final DecoderGraph graph;
  private final TextTokenizer tokenizer;
  private final int candidates;
  private final boolean useCache;
  private final int context;

  private TextGenerator(String name, DecoderConfig config, DecoderGraph graph, TextTokenizer tokenizer, int candidates,
      boolean useCache, int context) {
    this.useCache = useCache;
    this.context = context;
    this.name = name;
    this.config = config;
    this.graph = graph;
    this.tokenizer = tokenizer;
    this.candidates = candidates;
  }

  public static TextGenerator load(Path path, ModelOptions options) {
    ModelDirectory dir = new ModelDirectory(path);
    DecoderConfig config = DecoderConfig.read(dir);
    long tokenizerSize = dir.tokenizerMaxId() + 1;
    if (tokenizerSize > config.vocabSize()) {
      throw dir.fail("tokenizer.json has " + tokenizerSize + " tokens but config.json vocab_size is "
          + config.vocabSize());
    }
    TextTokenizer tokenizer = TextTokenizer.forDecoder(dir);
    try {
      DecoderGraph graph = DecoderGraph.open(dir, config, options);
      return new TextGenerator(dir.root().getFileName().toString(), config, graph, tokenizer, (int) tokenizerSize,
          options.useCache(), TextTokenizer.maxLength(dir, config.maxPositions()));
    } catch (RuntimeException e) {
      tokenizer.close();
      throw e;
    }
  }

  public String name() {
    return name;
  }

  /** What was loaded, for logs, health and metrics. */
  public String describe() {
    return String.format("%s (%s, %d layers, %d heads, %d wide, vocab %d, context %d, %s, %s, KV %d KiB per token)",
        name, config.modelType(), config.layers(), config.heads(), config.hiddenSize(), config.vocabSize(),
        context, graph.files(), graph.kind().name().toLowerCase(), kvBytesPerToken() / 1024);
  }

  /** Bytes of keys and values one token of one row takes in this model's KV cache; 0 without a cache. */
  public long kvBytesPerToken() {
    return graph.kvBytesPerToken(useCache);
  }

  /** Prompt plus new tokens: the model's positions, or tokenizer_config.json's model_max_length if smaller. */
  public int contextLength() {
    return context;
  }

  /** The model's own defaults: generation_config.json, then task_specific_params["text-generation"]. */
  public GenerationParams defaults() {
    return defaults(GenerationParams.none());
  }

  /** As {@link #defaults()}, with {@code base}'s values in place of the library's where it sets them. */
  public GenerationParams defaults(GenerationParams base) {
    return GenerationParams.LIBRARY_DEFAULTS.overriddenBy(base).overriddenBy(config.defaults());
  }

  /** An empty batch over this model's graph: what a decode loop admits {@link #prepare}d sequences to. */
  public DecodeBatch newBatch() {
    return new DecodeBatch(graph, useCache, config.padTokenId(), candidates);
  }

  /** Tokenizes and resolves parameters; a prompt and new tokens that do not fit the context are refused, never cut. */
  public List<Sequence> prepare(String prompt, GenerationParams request) {
    return prepareIds(tokenizer.encode(prompt), request);
  }

  /** As {@link #prepare(String, GenerationParams)} for a prompt given as token ids; an id outside the vocabulary is refused. */
  public List<Sequence> prepare(long[] promptIds, GenerationParams request) {
    for (long id : promptIds) {
      if (id < 0 || id >= candidates) {
        throw ServiceException.invalid("prompt", "token id " + id + " is not in the model's vocabulary (0 to "
            + (candidates - 1) + ")");
      }
    }
    return prepareIds(promptIds, request);
  }

  private List<Sequence> prepareIds(long[] promptIds, GenerationParams request) {
    GenerationParams p = defaults().overriddenBy(request);
    p.checkTokenIds(config.vocabSize());
    if (!p.doSample() && p.numReturnSequences() > 1) {
      throw ServiceException.invalid("num_return_sequences",
          "greedy decoding would return identical sequences; set do_sample to true");
    }
    long[] ids = promptIds;
    if (ids.length == 0) {
      ids = new long[] {config.bosTokenId()}; // as Hugging Face does for an empty prompt
    }
    int maxNew = newTokens(ids.length, p);
    long seed = p.seed() != null ? p.seed() : ThreadLocalRandom.current().nextLong();
    List<Sequence> sequences = new ArrayList<>();
    for (int j = 0; j < p.numReturnSequences(); j++) {
      sequences.add(new Sequence(ids, 0, maxNew, p, seed + j, config.eosTokenIds()));
    }
    return sequences;
  }

  /**
   * The most new tokens after a prompt of {@code promptTokens}. {@code max_new_tokens} must fit the context
   * with the prompt, as vLLM and OpenAI demand; {@code max_length} bounds prompt plus new tokens and, like
   * transformers, refuses a prompt that leaves no room; above the context it stops there.
   */
  private int newTokens(int promptTokens, GenerationParams p) {
    if (p.maxNewTokens() != null) {
      if (promptTokens + p.maxNewTokens() > context) {
        throw ServiceException.invalid("max_new_tokens", overContext(promptTokens, p.maxNewTokens()));
      }
      return p.maxNewTokens();
    }
    if (promptTokens >= p.maxLength()) {
      throw ServiceException.invalid("max_length", "the prompt has " + promptTokens + " tokens, max_length "
          + p.maxLength() + " leaves no room for new tokens; raise max_length or set max_new_tokens");
    }
    if (promptTokens >= context) {
      throw ServiceException.invalid("max_length", "This model's maximum context length is " + context
          + " tokens. However, the prompt alone has " + promptTokens
          + " tokens, leaving no room for new tokens. Please reduce the length of the prompt.");
    }
    return Math.min(p.maxLength(), context) - promptTokens;
  }

  /** vLLM's words for a request over the context, which OpenAI clients and users know. */
  private String overContext(int promptTokens, int newTokens) {
    return "This model's maximum context length is " + context + " tokens. However, you requested "
        + (promptTokens + newTokens) + " tokens (" + promptTokens + " in the prompt, " + newTokens
        + " for the completion). Please reduce the length of the prompt or completion.";
  }

  /** The prompt followed by the decoded continuation, special tokens skipped. */
  public Generation finish(String prompt, Sequence sequence) {
    long[] newIds = sequence.newIds();
    String continuation = sequence.stoppedText() != null ? sequence.stoppedText()
        : continuation(sequence, promptText(sequence));
    return new Generation(prompt + continuation, sequence.promptLength(), sequence.droppedPromptTokens(),
        Arrays.stream(newIds).boxed().toList(), sequence.finishReason(),
        sequence.logprobs() == null ? null : logprobs(sequence, 0, newIds.length, continuation.length()));
  }

  /** OpenAI's entries for new tokens [from, to) of a sequence that asked for logprobs. */
  List<TokenLogprob> logprobs(Sequence sequence, int from, int to, int textLength) {
    return LogprobText.entries(tokenizer, sequence.logprobs(), from, to, textLength,
        n -> continuation(sequence, promptText(sequence), n));
  }

  /** Trailing characters of a continuation that more tokens may still change (see {@link TextTokenizer}). */
  int unsettledTail(String continuation) {
    return tokenizer.unsettledTail(continuation);
  }

  /** The prompt of {@code sequence} as text: what {@link #continuation} cuts at. */
  String promptText(Sequence sequence) {
    return tokenizer.decode(sequence.promptIds());
  }

  /** The sequence's continuation so far, special tokens skipped, after its decoded {@code promptText}. */
  String continuation(Sequence sequence, String promptText) {
    return continuation(sequence, promptText, sequence.length() - sequence.promptLength());
  }

  /**
   * Ends {@code sequence} if a stop string appears in its {@code continuation}: it keeps the new
   * tokens whose text lies wholly before the stop string, and the text up to it. Whether it stopped.
   */
  boolean stopIfDue(Sequence sequence, String promptText, String continuation) {
    int cut = StopText.cut(sequence.stopStrings(), continuation);
    if (cut < 0) {
      return false;
    }
    int kept = sequence.length() - sequence.promptLength();
    while (kept > 0 && continuation(sequence, promptText, kept).length() > cut) {
      kept--;
    }
    sequence.stop(kept, continuation.substring(0, cut));
    return true;
  }

  private String continuation(Sequence sequence, String promptText, int newTokens) {
    long[] promptIds = sequence.promptIds();
    long[] newIds = Arrays.copyOf(sequence.newIds(), newTokens);
    long[] all = Arrays.copyOf(promptIds, promptIds.length + newIds.length);
    System.arraycopy(newIds, 0, all, promptIds.length, newIds.length);
    // As transformers' text-generation pipeline: decode prompt and continuation together, then cut at the
    // length of the decoded prompt, even where clean-up joins text across that boundary.
    String full = tokenizer.decode(all);
    return full.substring(Math.min(promptText.length(), full.length()));
  }

  @Override
  public void close() {
    try {
      graph.close();
    } catch (OrtException e) {
      throw new IllegalStateException(name + ": cannot close the ONNX Runtime session", e);
    } finally {
      tokenizer.close();
    }
  }
}
