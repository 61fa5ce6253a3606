package io.inferencegraph.http;

import io.inferencegraph.graph.GraphListener;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * A graph run as server-sent events: {@code node_started}, {@code token} (node, model, index, text),
 * {@code map_item}, {@code node_finished} (its output), then {@code done} with the non-streaming
 * answer or {@code error}. The seed route's graph also sends its clients' {@code generated} and
 * {@code classified} events. The head and a keep-alive comment go out as soon as the request is
 * accepted at the edge ({@link Heartbeat}); after that an error is the stream's last event. Each event
 * is written (and so flushed) as it happens.
 */
final class EventStream implements GraphListener {
  static final String MEDIA_TYPE = "text/event-stream";
  private final RoutingContext ctx;
  private final boolean legacy;

  /** {@code legacy}: also send the seed route's {@code generated} and {@code classified} events. */
  EventStream(RoutingContext ctx, boolean legacy, long heartbeatMs) {
    this.ctx = ctx;
    this.legacy = legacy;
    Heartbeat.start(ctx, heartbeatMs);
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

  /** An {@code error} event ends the stream. */
  void fail(Throwable failure) {
    send("error", ErrorMapper.body(ErrorMapper.of(-1, failure)).encode());
    end();
  }

  private void send(String name, String data) {
    send(event(name, data));
  }

  private void send(String raw) {
    HttpServerResponse response = ctx.response();
    if (!response.ended() && !response.closed()) {
      response.write(raw);
    }
  }

  private void end() {
    if (!ctx.response().ended() && !ctx.response().closed()) {
      ctx.response().end();
    }
  }
}
