package io.inferencegraph.model.generate;

import io.inferencegraph.api.StopText;
import io.inferencegraph.model.decode.Sequence;
import java.util.Arrays;
import java.util.List;

/**
 * Turns one request's growing sequences into text deltas for its {@link TokenListener}. Each time
 * it decodes prompt and continuation together (as the final answer is decoded) and hands on only
 * the new suffix that is stable: a trailing U+FFFD is half a UTF-8 character still to come, and
 * a trailing " n" or " '" may still be rewritten by tokenizer clean-up ("n't", "'s").
 */
final class TokenStream {
  private static final char REPLACEMENT = '\uFFFD';

  private final TextGenerator generator;
  private final TokenListener listener;
  private final List<Sequence> sequences;
  private final String[] sent;
  private final int[] decodedLength;
  /** The request's prompt decoded, once: its sequences share it (read by the batch loop's thread only). */
  private String promptText;

  TokenStream(TextGenerator generator, TokenListener listener, List<Sequence> sequences) {
    this.generator = generator;
    this.listener = listener;
    this.sequences = sequences;
    this.sent = new String[sequences.size()];
    this.decodedLength = new int[sequences.size()];
    Arrays.fill(sent, "");
  }

  boolean silent() {
    return listener == TokenListener.NONE;
  }

  /**
   * After a step: ends each sequence whose new text holds one of its stop strings (so that the batch
   * frees its row now), and hands on what each unfinished sequence added since the last call.
   */
  void afterStep() {
    for (int i = 0; i < sequences.size(); i++) {
      Sequence sequence = sequences.get(i);
      boolean stops = !sequence.stopStrings().isEmpty() && !"error".equals(sequence.finishReason());
      if ((stops || (!silent() && !sequence.finished())) && sequence.length() > decodedLength[i]) {
        decodedLength[i] = sequence.length();
        if (promptText == null) {
          promptText = generator.promptText(sequence);
        }
        String text = generator.continuation(sequence, promptText);
        if (stops && generator.stopIfDue(sequence, promptText, text) || sequence.finished()) {
          continue; // finished() hands on the rest
        }
        int stable = text.length();
        while (stable > 0 && text.charAt(stable - 1) == REPLACEMENT) {
          stable--;
        }
        stable -= generator.unsettledTail(text.substring(0, stable));
        send(i, text.substring(0, StopText.safeLength(sequence.stopStrings(), text.substring(0, stable))));
      }
    }
  }

  /** A sequence ended: the rest of its text, held-back characters included, then its generation. */
  void finished(int index, Generation generation, String continuation) {
    if (silent()) {
      return;
    }
    send(index, continuation);
    listener.onFinished(index, generation);
  }

  private void send(int index, String text) {
    if (silent()) {
      return;
    }
    // Byte-level decoding only ever extends the text; if it did not, wait for the final text.
    if (text.length() > sent[index].length() && text.startsWith(sent[index])) {
      listener.onToken(index, text.substring(sent[index].length()));
      sent[index] = text;
    }
  }
}
