package io.inferencegraph.http;

import io.inferencegraph.TestGraphs;
import io.inferencegraph.config.GraphConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayName("POST /classify_generated_texts with Accept: text/event-stream streams the whole graph")
class GraphStreamTest {
  private static final String PROMPT = "I have an idea!";
  private static final List<String> MODELS = List.of("gpt2", "distilgpt2", "gpt2-medium");
  private static HttpClient http;
  private static WebClient web;
  private static int port;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    GraphConfig config = TestGraphs.config(new JsonObject());
    http = vertx.createHttpClient();
    web = WebClient.create(vertx);
    port = await(TestGraphs.deploy(vertx, config)).httpPort();
  }

  @AfterAll
  static void stop() {
    web.close();
    http.close();
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }

  private static String body(long seed) {
    JsonObject parameters = new JsonObject().put("max_new_tokens", 24).put("do_sample", true).put("seed", seed);
    return new JsonObject().put("text", PROMPT).put("parameters", parameters).encode();
  }

  @Test
  @DisplayName("tokens, then each sequence's end, then the classifications in graph order, then done: "
      + "the deltas concatenate to the generated text and done equals the non-streaming answer")
  void eventsInOrder() throws Exception {
    SseClient.Stream stream = await(SseClient.post(http, port, "application/json", body(77), (s, e) -> {}));
    await(stream.ended());
    assertThat(stream.status()).isEqualTo(200);
    assertThat(stream.contentType()).startsWith("text/event-stream");
    List<SseClient.Event> events = stream.events();
    Map<String, StringBuilder> deltas = new HashMap<>();
    Map<String, String> generated = new HashMap<>();
    List<String> classified = new ArrayList<>();
    List<String> started = new ArrayList<>();
    List<String> finished = new ArrayList<>();
    JsonArray items = new JsonArray();
    for (int i = 0; i < events.size(); i++) {
      SseClient.Event event = events.get(i);
      JsonObject data = event.name().equals("done") ? null : event.json();
      String key = data == null ? null : data.getString("model") + "#" + data.getInteger("index");
      switch (event.name()) {
        case "token" -> {
          assertThat(generated).as("no token after its sequence ended").doesNotContainKey(key);
          assertThat(classified).as("tokens come before any classification").isEmpty();
          deltas.computeIfAbsent(key, k -> new StringBuilder()).append(data.getString("text"));
        }
        case "generated" -> {
          assertThat(classified).as("every sequence ends before the classifier runs").isEmpty();
          generated.put(key, data.getString("generated"));
          assertThat(data.getString("generated")).isEqualTo(PROMPT + deltas.get(key));
        }
        case "classified" -> classified.add(data.getString("model"));
        case "node_started" -> started.add(data.getString("node"));
        case "node_finished" -> {
          assertThat(started).as("a node finishes after it starts").contains(data.getString("node"));
          assertThat(data.getString("status")).isEqualTo("ok");
          finished.add(data.getString("node"));
        }
        case "map_item" -> {
          assertThat(data.getInteger("index")).as("the classifier's items in order").isEqualTo(items.size());
          items.add(data.getJsonObject("result"));
        }
        case "done" -> assertThat(i).as("done is the last event").isEqualTo(events.size() - 1);
        default -> throw new AssertionError("unexpected event " + event);
      }
    }
    assertThat(generated).hasSize(3);
    assertThat(events.stream().filter(e -> e.name().equals("token")).count())
        .as("several deltas per sequence, not one at the end").isGreaterThan(3 * 2);
    assertThat(classified).containsExactlyElementsOf(MODELS);
    assertThat(started).containsExactlyInAnyOrder("gpt2", "distilgpt2", "gpt2-medium", "scores");
    assertThat(finished).containsExactlyInAnyOrder("gpt2", "distilgpt2", "gpt2-medium", "scores")
        .endsWith("scores");
    JsonArray done = new JsonArray(events.get(events.size() - 1).data());
    assertThat(items).as("each map_item is the answer's entry").isEqualTo(done);
    JsonArray plain = await(web.post(port, "localhost", "/classify_generated_texts")
        .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body(77)))).bodyAsJsonArray();
    assertThat(withoutTiming(done)).isEqualTo(withoutTiming(plain));
    for (int i = 0; i < MODELS.size(); i++) {
      assertThat(done.getJsonObject(i).getString("generated")).isEqualTo(generated.get(MODELS.get(i) + "#0"));
    }
  }

  @Test
  @DisplayName("an error before the first event keeps its status and JSON body")
  void errorBeforeTheStream() throws Exception {
    SseClient.Stream stream = await(SseClient.post(http, port, "text/plain", "   ", (s, e) -> {}));
    assertThat(stream.status()).isEqualTo(400);
    assertThat(stream.contentType()).startsWith("application/json");
  }

  @Test
  @DisplayName("a deadline header that is not a positive number is refused at the edge")
  void badDeadline() throws Exception {
    int status = await(web.post(port, "localhost", "/classify_generated_texts")
        .putHeader("Content-Type", "text/plain").putHeader("X-Request-Timeout-Ms", "soon")
        .sendBuffer(Buffer.buffer(PROMPT))).statusCode();
    assertThat(status).isEqualTo(400);
  }

  private static JsonArray withoutTiming(JsonArray answers) {
    JsonArray copy = answers.copy();
    copy.forEach(entry -> ((JsonObject) entry).remove("timing"));
    return copy;
  }
}
