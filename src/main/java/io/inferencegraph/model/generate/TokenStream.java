package io.inferencegraph.model.generate;

import io.inferencegraph.api.StopText;
import io.inferencegraph.api.TokenLogprob;
import io.inferencegraph.model.decode.LogprobTrace;
import io.inferencegraph.model.decode.Sequence;
import java.util.Arrays;
import java.util.List;

/**
 * Turns one request's growing sequences into text deltas for its {@link TokenListener}. Each time
 * it decodes prompt and continuation together (as the final answer is decoded) and hands on only
 * the new suffix that is stable: a trailing U+FFFD is half a UTF-8 character still to come, and
 * a trailing " n" or " '" may still be rewritten by tokenizer clean-up ("n't", "'s"). For a sequence
 * that asked for logprobs it also notes where each token's text ends (streamed or not), and hands on a
 * token's logprobs with the delta that completes its text.
 */
final class TokenStream {
  private final TextGenerator generator;
  private final TokenListener listener;
  private final List<Sequence> sequences;
  private final String[] sent;
  private final int[] decodedLength;
  /** Logprob entries handed on, per sequence. */
  private final int[] delivered;
  /** The request's prompt decoded, once: its sequences share it (read by the batch loop's thread only). */
  private String promptText;

  TokenStream(TextGenerator generator, TokenListener listener, List<Sequence> sequences) {
    this.generator = generator;
    this.listener = listener;
    this.sequences = sequences;
    this.sent = new String[sequences.size()];
    this.decodedLength = new int[sequences.size()];
    this.delivered = new int[sequences.size()];
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
      boolean traced = sequence.logprobs() != null && !sequence.finished();
      if ((stops || traced || (!silent() && !sequence.finished())) && sequence.length() > decodedLength[i]) {
        decodedLength[i] = sequence.length();
        if (promptText == null) {
          promptText = generator.promptText(sequence);
        }
        String text = generator.continuation(sequence, promptText);
        if (stops && generator.stopIfDue(sequence, promptText, text) || sequence.finished()) {
          continue; // finished() hands on the rest
        }
        int stable = LogprobText.wholeCharacters(text);
        if (traced) {
          sequence.logprobs().textEnd(sequence.length() - sequence.promptLength(), stable);
        }
        stable -= generator.unsettledTail(text.substring(0, stable));
        send(i, text.substring(0, StopText.safeLength(sequence.stopStrings(), text.substring(0, stable))));
      }
    }
  }

  /** A sequence ended: the rest of its text, held-back characters included, and logprobs, then its generation. */
  void finished(int index, Generation generation, String continuation) {
    if (silent()) {
      return;
    }
    List<TokenLogprob> all = generation.logprobs() == null ? List.of() : generation.logprobs();
    List<TokenLogprob> rest = all.subList(Math.min(delivered[index], all.size()), all.size());
    delivered[index] = all.size();
    if (!send(index, continuation, rest) && !rest.isEmpty()) {
      listener.onToken(index, "", rest); // tokens with no text of their own, such as eos
    }
    listener.onFinished(index, generation);
  }

  private void send(int index, String text) {
    send(index, text, null);
  }

  /** Hands on what {@code text} adds; {@code logprobs} null: those of the tokens it completes. Whether it did. */
  private boolean send(int index, String text, List<TokenLogprob> logprobs) {
    if (silent()) {
      return false;
    }
    // Byte-level decoding only ever extends the text; if it did not, wait for the final text.
    if (text.length() > sent[index].length() && text.startsWith(sent[index])) {
      listener.onToken(index, text.substring(sent[index].length()),
          logprobs != null ? logprobs : completed(index, text.length()));
      sent[index] = text;
      return true;
    }
    return false;
  }

  /** Logprob entries not yet handed on of the tokens whose text ends within the first {@code length} characters. */
  private List<TokenLogprob> completed(int index, int length) {
    Sequence sequence = sequences.get(index);
    LogprobTrace trace = sequence.logprobs();
    if (trace == null) {
      return List.of();
    }
    int from = delivered[index];
    int to = from;
    while (to < trace.ended() && to < trace.steps().size() && trace.textEnd(to) <= length) {
      to++;
    }
    delivered[index] = to;
    return generator.logprobs(sequence, from, to, length);
  }
}
