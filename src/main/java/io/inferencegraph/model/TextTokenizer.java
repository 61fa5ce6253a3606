package io.inferencegraph.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.util.List;

/**
 * A Hugging Face tokenizer.json through DJL, with truncation and special tokens set explicitly
 * per model: DJL would otherwise cut every input at 512 tokens without saying so.
 */
final class TextTokenizer implements AutoCloseable {
  private final HuggingFaceTokenizer tokenizer;

  private TextTokenizer(HuggingFaceTokenizer tokenizer) {
    this.tokenizer = tokenizer;
  }

  /** Whole prompts, no special tokens added: the generator decides what to cut. */
  static TextTokenizer forDecoder(ModelDirectory dir) {
    return open(dir, false, 0);
  }

  /** With [CLS]/[SEP] (or the model's template) and truncation to {@code maxLength} tokens. */
  static TextTokenizer forClassifier(ModelDirectory dir, int maxLength) {
    return open(dir, true, maxLength);
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
      return new TextTokenizer(builder.build());
    } catch (IOException | RuntimeException e) {
      throw dir.fail("tokenizer.json cannot be loaded: " + e.getMessage(), e);
    }
  }

  long[] encode(String text) {
    return tokenizer.encode(text).getIds();
  }

  Encoding[] encodeAll(List<String> texts) {
    return tokenizer.batchEncode(texts);
  }

  String decode(long[] ids) {
    return tokenizer.decode(ids, true);
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
