package io.inferencegraph.http;

import io.inferencegraph.bus.ClassifyReply;
import io.inferencegraph.bus.GenerateReply;
import io.inferencegraph.graph.GraphListener;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * A graph run as server-sent events: {@code token}, {@code generated}, {@code classified}, then
 * {@code done} with the non-streaming answer. The head goes out with the first event, so that an
 * error before it keeps its status and JSON body; after it, an error is the stream's last event.
 * Each event is written (and so flushed) as it happens; a comment keeps an idle stream alive.
 */
final class EventStream implements GraphListener {
  static final String MEDIA_TYPE = "text/event-stream";
  private static final long HEARTBEAT_MS = 15_000;

  private final RoutingContext ctx;
  private long heartbeat = -1;

  EventStream(RoutingContext ctx) {
    this.ctx = ctx;
    ctx.addEndHandler(ended -> ctx.vertx().cancelTimer(heartbeat));
  }

  /** Whether the client asked for a stream. */
  static boolean wanted(RoutingContext ctx) {
    String accept = ctx.request().getHeader("Accept");
    return accept != null && accept.toLowerCase().contains(MEDIA_TYPE);
  }

  /** One event in the wire format; {@code data} is one line of JSON. */
  static String event(String name, String data) {
    return "event: " + name + "\ndata: " + data + "\n\n";
  }

  @Override
  public void onToken(String model, int index, String text) {
    send("token", new JsonObject().put("model", model).put("index", index).put("text", text).encode());
  }

  @Override
  public void onGenerated(String model, int index, GenerateReply.Sequence sequence) {
    send("generated", new JsonObject().put("model", model).put("index", index).put("generated", sequence.text())
        .put("finish_reason", sequence.finishReason()).put("new_tokens", sequence.newTokens()).encode());
  }

  @Override
  public void onClassified(String model, int index, ClassifyReply classified) {
    send("classified", new JsonObject().put("model", model).put("index", index).put("label", classified.label())
        .put("score", classified.score()).encode());
  }

  void done(JsonArray answers) {
    send("done", answers.encode());
    end();
  }

  /** Before the first event the failure handler answers as usual; after it, an {@code error} event ends the stream. */
  void fail(Throwable failure) {
    HttpServerResponse response = ctx.response();
    if (!response.headWritten()) {
      ctx.fail(failure);
      return;
    }
    send("error", ErrorMapper.body(ErrorMapper.of(-1, failure)).encode());
    end();
  }

  private void send(String name, String data) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    if (!response.headWritten()) {
      response.setChunked(true)
          .putHeader("Content-Type", MEDIA_TYPE)
          .putHeader("Cache-Control", "no-cache")
          .putHeader("X-Accel-Buffering", "no");
      heartbeat = ctx.vertx().setPeriodic(HEARTBEAT_MS, id -> send(": idle\n\n"));
    }
    send(event(name, data));
  }

  private void send(String raw) {
    HttpServerResponse response = ctx.response();
    if (!response.ended() && !response.closed()) {
      response.write(raw);
    }
  }

  private void end() {
    ctx.vertx().cancelTimer(heartbeat);
    if (!ctx.response().ended() && !ctx.response().closed()) {
      ctx.response().end();
    }
  }
}
