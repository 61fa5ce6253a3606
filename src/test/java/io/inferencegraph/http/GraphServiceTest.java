package io.inferencegraph.http;

import io.inferencegraph.BusTraffic;
import io.inferencegraph.DeliveryGate;
import io.inferencegraph.TestGraphs;
import io.inferencegraph.api.GenerationParams;
import io.inferencegraph.api.Params;
import io.inferencegraph.config.GraphConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
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
@DisplayName("The graph service answers the seed's request over real HTTP and a real event bus")
class GraphServiceTest {
  private static final String PROMPT = "I have an idea!";
  private static GraphConfig config;
  private static WebClient client;
  private static int port;

  @BeforeAll
  static void start(Vertx vertx, VertxTestContext ctx) {
    config = TestGraphs.config(new JsonObject());
    client = WebClient.create(vertx, new WebClientOptions(), new PoolOptions().setHttp1MaxSize(64));
    TestGraphs.deploy(vertx, config).onComplete(ctx.succeeding(main -> {
      port = main.httpPort();
      ctx.completeNow();
    }));
  }

  @AfterAll
  static void stop() {
    client.close();
  }

  static Future<HttpResponse<Buffer>> post(String contentType, String body) {
    return client.post(port, "localhost", "/classify_generated_texts")
        .putHeader("Content-Type", contentType).sendBuffer(Buffer.buffer(body));
  }

  @Test
  @DisplayName("the seed's curl gets one entry per generator, in order, each starting with the prompt")
  void contract(VertxTestContext ctx) {
    post("text/plain", PROMPT).onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.getHeader("Content-Type")).startsWith("application/json");
      JsonArray answer = response.bodyAsJsonArray();
      assertThat(answer).hasSize(3);
      List<String> models = new ArrayList<>();
      for (Object item : answer) {
        JsonObject entry = (JsonObject) item;
        assertThat(entry.getString("generated")).startsWith(PROMPT);
        assertThat(entry.getDouble("score")).isBetween(0.0, 1.0);
        models.add(entry.getString("model"));
      }
      assertThat(models).containsExactly("gpt2", "distilgpt2", "gpt2-medium");
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("the answer equals calling the model layer directly with the same seed")
  void sameAsModelLayer(Vertx vertx, VertxTestContext ctx) {
    GenerationParams params = Params.of("max_new_tokens", 24, "do_sample", true, "temperature", 0.8, "top_k", 40, "top_p", 0.9, "seed", 1234L, "num_return_sequences", 1);
    String body = new JsonObject().put("text", PROMPT).put("parameters", new JsonObject(params.toMap())).encode();
    post("application/json", body).onComplete(ctx.succeeding(response -> {
      vertx.executeBlocking(() -> TestGraphs.directAnswer(config, PROMPT, params)).onComplete(ctx.succeeding(expected -> ctx.verify(() -> {
        assertThat(response.statusCode()).isEqualTo(200);
        JsonArray answer = response.bodyAsJsonArray();
        for (int i = 0; i < expected.size(); i++) {
          assertThat(answer.getJsonObject(i).getString("generated")).isEqualTo(expected.get(i).getString("generated"));
          assertThat(answer.getJsonObject(i).getDouble("score")).isEqualTo(expected.get(i).getDouble("score"));
        }
        ctx.completeNow();
      })));
    }));
  }


  @Test
  @DisplayName("the generators run at the same time, the classifier calls one after another after them")
  void parallelThenSequential(Vertx vertx, VertxTestContext ctx) {
    // No generator may begin before all three have their request: a graph that called them one by
    // one would never get past the gate, and time out.
    DeliveryGate gate = DeliveryGate.close(vertx, "graph.generate.", 3);
    gate.arrived().timeout(10, TimeUnit.SECONDS).onComplete(arrived -> {
      if (arrived.succeeded()) {
        gate.open();
      } else {
        ctx.failNow("the three generators were not all asked before any answered: " + arrived.cause());
      }
    });
    BusTraffic traffic = BusTraffic.record(vertx);
    String body = new JsonObject().put("text", PROMPT).put("parameters", new JsonObject().put("max_new_tokens", 16))
        .encode();
    post("application/json", body).onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      List<String> events = traffic.stop();
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
      assertThat(response.bodyAsJsonArray()).hasSize(3).allSatisfy(entry -> assertThat(((JsonObject) entry)
          .getJsonObject("timing").fieldNames()).containsExactly("generate_started_us", "generate_ended_us",
          "classify_started_us", "classify_ended_us"));
      assertThat(events.subList(0, 3)).as("all generators asked before any answered")
          .containsExactlyInAnyOrder("request graph.generate.gpt2", "request graph.generate.distilgpt2",
              "request graph.generate.gpt2-medium");
      assertThat(events.subList(3, 6)).allMatch(event -> event.startsWith("reply graph.generate."));
      String classify = "graph.classify.bert-base-uncased";
      assertThat(events.subList(6, events.size())).as("each classification asked after the last generator and "
          + "after the previous classification answered").containsExactly("request " + classify, "reply " + classify,
          "request " + classify, "reply " + classify, "request " + classify, "reply " + classify);
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("32 concurrent requests are all answered correctly")
  void concurrentRequests(VertxTestContext ctx) {
    List<Future<HttpResponse<Buffer>>> responses = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      responses.add(post("text/plain", "Request number " + i + " says"));
    }
    Future.all(responses).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      for (int i = 0; i < 32; i++) {
        HttpResponse<Buffer> response = responses.get(i).result();
        assertThat(response.statusCode()).isEqualTo(200);
        JsonArray answer = response.bodyAsJsonArray();
        assertThat(answer).hasSize(3);
        for (Object entry : answer) {
          assertThat(((JsonObject) entry).getString("generated")).startsWith("Request number " + i + " says");
        }
      }
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("bad_words_ids in a request's parameters reach every generator: the answer is the model layer's, and differs from without")
  void badWordsIds(Vertx vertx, VertxTestContext ctx) {
    // gpt2-tiny's greedy continuation of the prompt starts 8 262 486 11 (src/test/resources/logits_processors_reference.json)
    GenerationParams plain = Params.of("max_new_tokens", 12, "min_new_tokens", 12, "do_sample", false);
    GenerationParams banned = plain.overriddenBy(Params.of("bad_words_ids", List.of(List.of(262), List.of(486, 11))));
    String body = new JsonObject().put("text", PROMPT).put("parameters", new JsonObject(banned.toMap())).encode();
    post("application/json", body).onComplete(ctx.succeeding(response -> vertx.executeBlocking(() -> List.of(
        TestGraphs.directAnswer(config, PROMPT, banned), TestGraphs.directAnswer(config, PROMPT, plain)))
        .onComplete(ctx.succeeding(expected -> ctx.verify(() -> {
          assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
          JsonArray answer = response.bodyAsJsonArray();
          for (int i = 0; i < 3; i++) {
            assertThat(answer.getJsonObject(i).getString("generated"))
                .isEqualTo(expected.get(0).get(i).getString("generated"));
          }
          assertThat(answer.getJsonObject(0).getString("generated")).as("gpt2 without the bad words")
              .isNotEqualTo(expected.get(1).get(0).getString("generated"));
          ctx.completeNow();
        })))));
  }

  @Test
  @DisplayName("bad_words_ids that are not lists of token ids, or ids past the vocabulary, are a 400 naming the field")
  void badWordsIdsRefused(VertxTestContext ctx) {
    Future<HttpResponse<Buffer>> shape = post("application/json", "{\"text\": \"hi\", \"parameters\": {\"bad_words_ids\": [7]}}");
    Future<HttpResponse<Buffer>> vocabulary = post("application/json",
        "{\"text\": \"hi\", \"parameters\": {\"max_new_tokens\": 2, \"bad_words_ids\": [[3], [5, 1007]]}}");
    Future.all(shape, vocabulary).onComplete(ctx.succeeding(both -> ctx.verify(() -> {
      for (HttpResponse<Buffer> response : List.of(shape.result(), vocabulary.result())) {
        assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(400);
        assertThat(response.bodyAsJsonObject().getString("error_type")).isEqualTo("invalid_parameter");
      }
      assertThat(shape.result().bodyAsJsonObject().getString("error")).contains("bad_words_ids: must be a list of lists "
          + "of token ids (integers >= 0), such as [[42], [7, 19]], got an item 7");
      assertThat(vocabulary.result().bodyAsJsonObject().getString("error"))
          .contains("bad_words_ids: token id 1007 is not in the model's vocabulary (0 to 1006)");
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("/livez and /readyz report a healthy graph")
  void health(VertxTestContext ctx) {
    client.get(port, "localhost", "/livez").send()
        .compose(live -> client.get(port, "localhost", "/readyz").send().map(ready -> List.of(live, ready)))
        .onComplete(ctx.succeeding(both -> ctx.verify(() -> {
          assertThat(both.get(0).statusCode()).isEqualTo(200);
          assertThat(both.get(1).statusCode()).isEqualTo(200);
          JsonObject ready = both.get(1).bodyAsJsonObject();
          assertThat(ready.getString("status")).isEqualTo("ready");
          assertThat(ready.getJsonObject("models").fieldNames())
              .containsExactlyInAnyOrder("gpt2", "distilgpt2", "gpt2-medium", "bert-base-uncased");
          ctx.completeNow();
        })));
  }
}
