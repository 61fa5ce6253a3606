package io.inferencegraph.http;

import io.inferencegraph.TracedGraph;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
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
@DisplayName("/metrics: Prometheus series for HTTP, each model, requests in flight and the JVM")
class MetricsTest {
  private static TracedGraph graph;
  private static WebClient client;

  @BeforeAll
  static void start(VertxTestContext ctx) {
    graph = new TracedGraph();
    client = WebClient.create(graph.vertx());
    graph.start().onComplete(ctx.succeedingThenComplete());
  }

  @AfterAll
  static void stop(VertxTestContext ctx) {
    client.close();
    graph.close().onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("after a request, /metrics has HTTP, per-graph, per-node, per-model, in-flight and JVM series in Prometheus format")
  void metrics(VertxTestContext ctx) {
    graph.post(client)
        .compose(answer -> client.get(graph.port(), "localhost", "/metrics").send())
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(200);
          assertThat(response.getHeader("Content-Type")).startsWith("text/plain");
          String text = response.bodyAsString();
          String route = "route=\"/classify_generated_texts\"";
          assertThat(text).contains(
              "vertx_http_server_requests_total{code=\"200\",method=\"POST\"," + route + "}",
              "vertx_http_server_response_time_seconds_bucket{code=\"200\",method=\"POST\"," + route + ",le=\"0.1\"}",
              "graph_requests_in_flight ",
              "jvm_memory_used_bytes{area=\"heap\"",
              "jvm_threads_live_threads ");
          for (String model : List.of("gpt2", "distilgpt2", "gpt2-medium", "bert-base-uncased")) {
            String tag = "{model=\"" + model + "\"";
            assertThat(text).contains("graph_inference_duration_seconds_bucket" + tag + ",le=\"0.5\"}",
                "graph_inference_queue_seconds_bucket" + tag, "graph_batch_size_bucket" + tag + ",le=\"1.0\"}",
                "graph_queue_depth" + tag + "}", "graph_inference_failures_total" + tag + "}",
                "graph_inference_rejected_total" + tag + "}", "graph_inference_tokens_prompt_total" + tag + "}");
          }
          assertThat(value(text, "graph_inference_tokens_generated_total{model=\"gpt2\"}")).isPositive();
          String seed = "graph=\"classify_generated_texts\"";
          assertThat(value(text, "graph_requests_total{" + seed + ",outcome=\"ok\"}")).isPositive();
          for (String node : List.of("gpt2", "distilgpt2", "gpt2-medium", "scores")) {
            assertThat(value(text, "graph_node_duration_seconds_count{" + seed + ",node=\"" + node + "\"}"))
                .as("node %s timed", node).isPositive();
          }
          assertThat(value(text, "graph_batch_size_count{model=\"bert-base-uncased\"}")).isGreaterThanOrEqualTo(3);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("each generator reports its KV buffers in bytes after a step; the classifier, which has none, does not")
  void kvCacheGauges(VertxTestContext ctx) {
    String body = "{\"text\": \"I have an idea!\", \"parameters\": {\"max_new_tokens\": 4, \"min_new_tokens\": 4}}";
    client.post(graph.port(), "localhost", "/classify_generated_texts").putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(body))
        .compose(answer -> client.get(graph.port(), "localhost", "/metrics").send())
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          String text = response.bodyAsString();
          for (String model : List.of("gpt2", "distilgpt2", "gpt2-medium")) {
            assertThat(value(text, "graph_kv_cache_capacity_bytes{model=\"" + model + "\"}")).as(model).isPositive();
            assertThat(text).contains("graph_kv_cache_bytes{model=\"" + model + "\"}");
          }
          assertThat(text).doesNotContain("graph_kv_cache_bytes{model=\"bert-base-uncased\"}");
          ctx.completeNow();
        })));
  }

  private static double value(String metrics, String series) {
    return metrics.lines().filter(line -> line.startsWith(series + " ")).findFirst()
        .map(line -> Double.parseDouble(line.substring(series.length() + 1))).orElseThrow();
  }
}
