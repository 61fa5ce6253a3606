package io.inferencegraph;

import io.inferencegraph.config.GraphConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayName("On SIGTERM an edge turns unready first, still serving, so that load balancers stop sending")
class GracefulShutdownTest {

  @Test
  @DisplayName("during shutdown.unready_delay_ms /readyz answers 503 shutting_down and requests are still answered")
  void unreadyFirst() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      GraphConfig config = TestGraphs.config(new JsonObject()
          .put("shutdown", new JsonObject().put("unready_delay_ms", 600_000)));
      MainVerticle main = await(TestGraphs.deploy(vertx, config));
      WebClient client = WebClient.create(vertx);
      assertThat(await(client.get(main.httpPort(), "127.0.0.1", "/readyz").send()).statusCode()).isEqualTo(200);

      GracefulShutdown shutdown = new GracefulShutdown(vertx, main, null, config.shutdown());
      Future<Void> drained = shutdown.drain();
      await(shutdown.announced());
      HttpResponse<Buffer> ready = await(client.get(main.httpPort(), "127.0.0.1", "/readyz").send());
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.bodyAsJsonObject().getString("status")).isEqualTo("shutting_down");
      HttpResponse<Buffer> served = await(client.post(main.httpPort(), "127.0.0.1", "/classify_generated_texts")
          .putHeader("Content-Type", "text/plain").sendBuffer(Buffer.buffer("I have an idea!")));
      assertThat(served.statusCode()).as(served.bodyAsString()).isEqualTo(200);
      assertThat(drained.isComplete()).as("still within the unready delay").isFalse();
    } finally {
      await(vertx.close());
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }
}
