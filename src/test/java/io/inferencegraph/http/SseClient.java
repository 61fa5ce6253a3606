package io.inferencegraph.http;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * A test's streaming request: posts a body with {@code Accept: text/event-stream} and parses the
 * server-sent events as their bytes arrive, handing each to a callback as soon as it is complete.
 */
public final class SseClient {
  /** One event: its name and its data line, as sent. */
  public record Event(String name, String data) {
    JsonObject json() {
      return new JsonObject(data);
    }
  }

  /** The stream under way: its events so far, its request (to drop the connection), its end. */
  public record Stream(int status, String contentType, List<Event> events, HttpClientRequest request, Future<Void> ended) {}

  private SseClient() {}

  public static Future<Stream> post(HttpClient client, int port, String contentType, String body,
      BiConsumer<Stream, Event> onEvent) {
    return post(client, port, contentType, body, java.util.Map.of(), onEvent);
  }

  static Future<Stream> post(HttpClient client, int port, String contentType, String body,
      java.util.Map<String, String> headers, BiConsumer<Stream, Event> onEvent) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setPort(port).setHost("localhost")
        .setURI("/classify_generated_texts").putHeader("Accept", "text/event-stream")
        .putHeader("Content-Type", contentType);
    headers.forEach(options::putHeader);
    return client.request(options).compose(request -> request.send(Buffer.buffer(body)).map(response -> {
      List<Event> events = new CopyOnWriteArrayList<>();
      Promise<Void> ended = Promise.promise();
      Stream stream = new Stream(response.statusCode(), response.getHeader("Content-Type"), events, request,
          ended.future());
      StringBuilder pending = new StringBuilder();
      response.handler(chunk -> {
        pending.append(chunk.toString("UTF-8"));
        for (int end = pending.indexOf("\n\n"); end >= 0; end = pending.indexOf("\n\n")) {
          Event event = parse(pending.substring(0, end));
          pending.delete(0, end + 2);
          if (event != null) {
            events.add(event);
            onEvent.accept(stream, event);
          }
        }
      });
      response.endHandler(v -> ended.tryComplete());
      response.exceptionHandler(ended::tryFail);
      return stream;
    }));
  }

  /** A block of lines; a comment (heartbeat) alone is no event. */
  private static Event parse(String block) {
    String name = null;
    StringBuilder data = new StringBuilder();
    for (String line : block.split("\n")) {
      if (line.startsWith("event: ")) {
        name = line.substring(7);
      } else if (line.startsWith("data: ")) {
        data.append(line.substring(6));
      }
    }
    return name == null && data.isEmpty() ? null : new Event(name, data.toString());
  }
}
