package io.inferencegraph.http;

import io.inferencegraph.graph.GraphExecution;
import io.inferencegraph.graph.GraphListener;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;

/**
 * A completion streamed as OpenAI clients expect: {@code data: {chunk}} per text delta, a last
 * chunk per choice with its finish reason, then {@code data: [DONE]}. Text that may be the start of
 * a stop string is held back; once every choice has stopped, the generation is cancelled. The head
 * and a keep-alive comment go out at once ({@link Heartbeat}); a later failure is a {@code data:} error.
 */
final class CompletionStream implements GraphListener {
  private final RoutingContext ctx;
  private final CompletionRequest request;
  private final StringBuilder[] texts;
  private final int[] sent;
  private final boolean[] finished;
  private int unfinished;
  /** For stream_options.include_usage: tokens seen per choice, the generator's count once it reports one. */
  private final int[] tokens;
  private int promptTokens;
  private GraphExecution run;

  CompletionStream(RoutingContext ctx, CompletionRequest request, int choices, long heartbeatMs) {
    this.ctx = ctx;
    this.request = request;
    this.texts = new StringBuilder[choices];
    this.sent = new int[choices];
    this.finished = new boolean[choices];
    this.unfinished = choices;
    this.tokens = new int[choices];
    for (int i = 0; i < choices; i++) {
      texts[i] = new StringBuilder();
    }
    Heartbeat.start(ctx, heartbeatMs);
  }

  void attach(GraphExecution run) {
    this.run = run;
  }

  @Override
  public void onToken(String node, String model, int index, String text) {
    if (finished[index]) {
      return;
    }
    tokens[index]++;
    StringBuilder full = texts[index].append(text);
    int cut = request.stop().cut(full.toString());
    if (cut >= 0) {
      send(index, full.substring(sent[index], cut), null);
      finish(index, "stop");
    } else {
      send(index, full.substring(sent[index], request.stop().safeLength(full.toString())), null);
    }
  }

  @Override
  public void onGenerated(String model, int index, JsonObject sequence) {
    promptTokens = sequence.getInteger("prompt_tokens", promptTokens);
    if (!finished[index]) {
      tokens[index] = sequence.getInteger("new_tokens", tokens[index]);
    }
    if (!finished[index]) {
      send(index, texts[index].substring(sent[index]), null);
      finish(index, Completions.finishReason(sequence));
    }
  }

  void done() {
    if (request.includeUsage()) {
      int completionTokens = Arrays.stream(tokens).sum();
      write("data: " + Completions.usageChunk(request, promptTokens, completionTokens).encode() + "\n\n");
    }
    write("data: [DONE]\n\n");
    if (!ctx.response().ended() && !ctx.response().closed()) {
      ctx.response().end();
    }
  }

  /** A run cancelled because every choice met a stop string is a success; other failures go to the failure handler. */
  void fail(Throwable error) {
    if (unfinished == 0) {
      done();
    } else {
      ctx.fail(error);
    }
  }

  private void finish(int index, String reason) {
    finished[index] = true;
    write("data: " + Completions.chunk(request, index, "", reason).encode() + "\n\n");
    if (--unfinished == 0 && run != null) {
      run.cancel(); // the stop strings ended every choice: free the batch rows now
    }
  }

  private void send(int index, String text, String reason) {
    if (!text.isEmpty()) {
      sent[index] += text.length();
      write("data: " + Completions.chunk(request, index, text, reason).encode() + "\n\n");
    }
  }

  private void write(String raw) {
    HttpServerResponse response = ctx.response();
    if (!response.ended() && !response.closed()) {
      response.write(raw);
    }
  }
}
