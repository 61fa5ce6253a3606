package io.inferencegraph.http;

import io.inferencegraph.graph.GraphListener;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * A graph run as server-sent events: {@code node_started}, {@code token} (node, model, index, text),
 * {@code map_item}, {@code node_finished} (its output), then {@code done} with the non-streaming
 * answer or {@code error}. The seed route's graph also sends its clients' {@code generated} and
 * {@code classified} events. The head goes out with the first event, so that an error before it
 * keeps its status and JSON body; after it, an error is the stream's last event. Each event is
 * written (and so flushed) as it happens; a comment keeps an idle stream alive.
 */
final class EventStream implements GraphListener {
  static final String MEDIA_TYPE = "text/event-stream";
  private static final long HEARTBEAT_MS = 15_000;

  private final RoutingContext ctx;
  private final boolean legacy;
  private long heartbeat = -1;

  /** {@code legacy}: also send the seed route's {@code generated} and {@code classified} events. */
  EventStream(RoutingContext ctx, boolean legacy) {
    this.ctx = ctx;
    this.legacy = legacy;
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
  public void onNodeStarted(String node) {
    send("node_started", new JsonObject().put("node", node).encode());
  }

  @Override
  public void onToken(String node, String model, int index, String text) {
    send("token", new JsonObject().put("node", node).put("model", model).put("index", index).put("text", text)
        .encode());
  }

  @Override
  public void onNodeFinished(String node, String status, Object output) {
    send("node_finished", new JsonObject().put("node", node).put("status", status).put("output", output).encode());
  }

  @Override
  public void onMapItem(String node, int index, Object result) {
    send("map_item", new JsonObject().put("node", node).put("index", index).put("result", result).encode());
  }

  @Override
  public void onGenerated(String model, int index, JsonObject sequence) {
    if (legacy) {
      send("generated", new JsonObject().put("model", model).put("index", index)
          .put("generated", sequence.getString("generated")).put("finish_reason", sequence.getString("finish_reason"))
          .put("new_tokens", sequence.getInteger("new_tokens")).encode());
    }
  }

  @Override
  public void onClassified(String model, int index, JsonObject label) {
    if (legacy) {
      send("classified", new JsonObject().put("model", model).put("index", index)
          .put("label", label.getString("label")).put("score", label.getDouble("score")).encode());
    }
  }

  void done(String answer) {
    send("done", answer);
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
