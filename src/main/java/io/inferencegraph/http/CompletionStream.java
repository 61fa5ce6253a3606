package io.inferencegraph.http;

import io.inferencegraph.graph.GraphExecution;
import io.inferencegraph.graph.GraphListener;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.inferencegraph.api.TokenLogprob;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A completion streamed as OpenAI clients expect: {@code data: {chunk}} per text delta, a last
 * chunk per choice with its finish reason, then {@code data: [DONE]}. Each prompt's run reports to
 * its own {@link #prompt} listener; choice j of prompt i is index i * n + j. Text that may be the
 * start of a stop string is held back; once every choice of a prompt has stopped, its run is cancelled.
 * The head and a keep-alive comment go out at once ({@link Heartbeat}); a later failure is a
 * {@code data:} error. With {@code logprobs}, each chunk carries the logprobs of the tokens whose text
 * starts in what has been sent (the last chunk of a choice: the rest, such as eos, which has no text).
 */
final class CompletionStream {
  private final RoutingContext ctx;
  private final CompletionRequest request;
  private final StringBuilder[] texts;
  private final int[] sent;
  private final boolean[] finished;
  private final int perPrompt;
  /** Unfinished choices per prompt. */
  private final int[] unfinished;
  /** For stream_options.include_usage: tokens seen per choice, the generator's count once it reports one. */
  private final int[] tokens;
  private final int[] promptTokens;
  private final GraphExecution[] runs;
  /** Logprob entries received per choice and not yet sent. */
  private final List<List<TokenLogprob>> pending = new ArrayList<>();

  CompletionStream(RoutingContext ctx, CompletionRequest request, long heartbeatMs) {
    this.ctx = ctx;
    this.request = request;
    this.perPrompt = request.choicesPerPrompt();
    int prompts = request.prompts().size();
    int choices = prompts * perPrompt;
    this.unfinished = new int[prompts];
    Arrays.fill(unfinished, perPrompt);
    this.promptTokens = new int[prompts];
    this.runs = new GraphExecution[prompts];
    this.texts = new StringBuilder[choices];
    this.sent = new int[choices];
    this.finished = new boolean[choices];
    this.tokens = new int[choices];
    for (int i = 0; i < choices; i++) {
      texts[i] = new StringBuilder();
      pending.add(new ArrayList<>());
    }
    Heartbeat.start(ctx, heartbeatMs);
  }

  /** What prompt {@code p}'s run reports to. */
  GraphListener prompt(int p) {
    return new GraphListener() {
      @Override
      public void onToken(String node, String model, int index, String text) {
        token(p * perPrompt + index, text);
      }

      @Override
      public void onLogprobs(String node, String model, int index, List<TokenLogprob> logprobs) {
        pending.get(p * perPrompt + index).addAll(logprobs);
      }

      @Override
      public void onGenerated(String model, int index, JsonObject sequence) {
        generated(p, p * perPrompt + index, sequence);
      }
    };
  }

  void attach(int prompt, GraphExecution run) {
    runs[prompt] = run;
  }

  /** Whether every choice of prompt {@code p} has finished (a run cancelled then ended well). */
  boolean finished(int p) {
    return unfinished[p] == 0;
  }

  private void token(int index, String text) {
    if (finished[index]) {
      return;
    }
    tokens[index]++;
    StringBuilder full = texts[index].append(text);
    int cut = request.stop().cut(full.toString());
    if (cut >= 0) {
      send(index, full.substring(sent[index], cut), null);
      finish(index, "stop", false);
    } else {
      send(index, full.substring(sent[index], request.stop().safeLength(full.toString())), null);
    }
  }

  private void generated(int prompt, int index, JsonObject sequence) {
    promptTokens[prompt] = sequence.getInteger("prompt_tokens", promptTokens[prompt]);
    if (!finished[index]) {
      tokens[index] = sequence.getInteger("new_tokens", tokens[index]);
    }
    if (!finished[index]) {
      send(index, texts[index].substring(sent[index]), null);
      finish(index, Completions.finishReason(sequence), true);
    }
  }

  void done() {
    if (request.includeUsage()) {
      int completionTokens = Arrays.stream(tokens).sum();
      write("data: " + Completions.usageChunk(request, Arrays.stream(promptTokens).sum(), completionTokens).encode()
          + "\n\n");
    }
    write("data: [DONE]\n\n");
    if (!ctx.response().ended() && !ctx.response().closed()) {
      ctx.response().end();
    }
  }

  void fail(Throwable error) {
    ctx.fail(error);
  }

  /** {@code whole}: the generator ended the choice (the logprobs left all go), else a stop string cut it. */
  private void finish(int index, String reason, boolean whole) {
    finished[index] = true;
    List<TokenLogprob> rest = startingBefore(index, whole ? Integer.MAX_VALUE : sent[index]);
    pending.get(index).clear();
    write("data: " + Completions.chunk(request, index, "", reason, rest).encode() + "\n\n");
    int prompt = index / perPrompt;
    if (--unfinished[prompt] == 0 && runs[prompt] != null) {
      runs[prompt].cancel(); // the stop strings ended every choice of the prompt: free its batch rows now
    }
  }

  private void send(int index, String text, String reason) {
    if (!text.isEmpty()) {
      sent[index] += text.length();
      write("data: " + Completions.chunk(request, index, text, reason, startingBefore(index, sent[index])).encode()
          + "\n\n");
    }
  }

  /** Takes the pending entries of choice {@code index} whose text starts before {@code length}. */
  private List<TokenLogprob> startingBefore(int index, int length) {
    List<TokenLogprob> queue = pending.get(index);
    int n = 0;
    while (n < queue.size() && queue.get(n).textOffset() < length) {
      n++;
    }
    List<TokenLogprob> taken = new ArrayList<>(queue.subList(0, n));
    queue.subList(0, n).clear();
    return taken;
  }

  private void write(String raw) {
    HttpServerResponse response = ctx.response();
    if (!response.ended() && !response.closed()) {
      response.write(raw);
    }
  }
}
