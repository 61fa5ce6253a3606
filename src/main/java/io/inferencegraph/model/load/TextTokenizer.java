package io.inferencegraph.model.load;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face tokenizer.json through DJL, with truncation and special tokens set explicitly
 * per model (DJL would otherwise cut every input at 512 tokens without saying so), and decoding
 * that honours tokenizer_config.json's {@code clean_up_tokenization_spaces} as transformers does.
 */
public final class TextTokenizer implements AutoCloseable {
  /** transformers' {@code clean_up_tokenization}, replacements in its order. */
  private static final List<Map.Entry<String, String>> CLEAN_UP = List.of(Map.entry(" .", "."), Map.entry(" ?", "?"),
      Map.entry(" !", "!"), Map.entry(" ,", ","), Map.entry(" ' ", "'"), Map.entry(" n't", "n't"),
      Map.entry(" 'm", "'m"), Map.entry(" 's", "'s"), Map.entry(" 've", "'ve"), Map.entry(" 're", "'re"));

  private final HuggingFaceTokenizer tokenizer;
  private final boolean cleanUp;

  private TextTokenizer(HuggingFaceTokenizer tokenizer, boolean cleanUp) {
    this.tokenizer = tokenizer;
    this.cleanUp = cleanUp;
  }

  /** Whole prompts, no special tokens added: the generator decides what to cut. */
  public static TextTokenizer forDecoder(ModelDirectory dir) {
    return open(dir, false, 0);
  }

  /** With [CLS]/[SEP] (or the model's template) and truncation to {@code maxLength} tokens. */
  public static TextTokenizer forClassifier(ModelDirectory dir, int maxLength) {
    return open(dir, true, maxLength);
  }

  /** The longest input a model takes: its positions, or tokenizer_config.json's model_max_length if smaller. */
  public static int maxLength(ModelDirectory dir, int positions) {
    return Math.min(positions, dir.modelMaxLength().orElse(positions));
  }

  private static TextTokenizer open(ModelDirectory dir, boolean special, int maxLength) {
    try {
      HuggingFaceTokenizer.Builder builder = HuggingFaceTokenizer.builder()
          .optTokenizerPath(dir.tokenizerFile())
          .optAddSpecialTokens(special)
          .optPadding(false)
          .optTruncation(maxLength > 0);
      if (maxLength > 0) {
        builder.optMaxLength(maxLength);
      }
      return new TextTokenizer(builder.build(), dir.cleanUpTokenizationSpaces());
    } catch (IOException | RuntimeException e) {
      throw dir.fail("tokenizer.json cannot be loaded: " + e.getMessage(), e);
    }
  }

  public long[] encode(String text) {
    return tokenizer.encode(text).getIds();
  }

  public Encoding[] encodeAll(List<String> texts) {
    return tokenizer.batchEncode(texts);
  }

  /** Special tokens skipped; tokenization spaces cleaned up when tokenizer_config.json asks for it. */
  public String decode(long[] ids) {
    String text = tokenizer.decode(ids, true);
    return cleanUp ? cleanUp(text) : text;
  }

  /** One token's text alone, special tokens kept and no clean-up (as vLLM lists a token in its logprobs). */
  public String decodeToken(long id) {
    return tokenizer.decode(new long[] {id}, false);
  }

  /**
   * How many trailing characters of decoded text clean-up may still rewrite once more text follows:
   * the longest end that begins one of its patterns (" n" may become "n't"); 0 without clean-up.
   */
  public int unsettledTail(String text) {
    int tail = 0;
    if (cleanUp) {
      for (Map.Entry<String, String> replacement : CLEAN_UP) {
        String pattern = replacement.getKey();
        for (int n = pattern.length() - 1; n > tail; n--) {
          if (text.endsWith(pattern.substring(0, n))) {
            tail = n;
          }
        }
      }
    }
    return tail;
  }

  static String cleanUp(String text) {
    for (Map.Entry<String, String> replacement : CLEAN_UP) {
      text = text.replace(replacement.getKey(), replacement.getValue());
    }
    return text;
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
