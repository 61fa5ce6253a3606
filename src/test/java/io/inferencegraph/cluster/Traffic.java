package io.inferencegraph.cluster;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;

/** Lanes of back-to-back requests through the edge until stopped; each request must end within 10 s. */
final class Traffic {
  private final List<Future<HttpResponse<Buffer>>> answers = new ArrayList<>();
  private final List<Future<Void>> lanes = new ArrayList<>();
  private final Vertx vertx;
  private final WebClient client;
  private final int port;
  private final String json;
  private volatile boolean stopped;

  Traffic(Vertx vertx, WebClient client, int port, String json) {
    this.vertx = vertx;
    this.client = client;
    this.port = port;
    this.json = json;
    for (int i = 0; i < 6; i++) {
      lanes.add(lane());
    }
  }

  synchronized int answered() {
    return (int) answers.stream().filter(Future::isComplete).count();
  }

  Future<List<Future<HttpResponse<Buffer>>>> stop() {
    stopped = true;
    return Future.join(lanes).map(done -> {
      synchronized (this) {
        return List.copyOf(answers);
      }
    });
  }

  private Future<Void> lane() {
    if (stopped) {
      return Future.succeededFuture();
    }
    Future<HttpResponse<Buffer>> answer = client.post(port, "127.0.0.1", "/classify_generated_texts")
        .timeout(10_000).putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(json));
    synchronized (this) {
      answers.add(answer);
    }
    return answer.transform(done -> {
      Promise<Void> pause = Promise.promise();
      vertx.setTimer(20, id -> pause.complete());
      return pause.future();
    }).compose(v -> lane());
  }
}
