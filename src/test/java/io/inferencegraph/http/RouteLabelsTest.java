package io.inferencegraph.http;

import io.inferencegraph.TracedGraph;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
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
@DisplayName("Every answer, /v1 and 404/405 included, has a bounded route label and a span named after its route")
class RouteLabelsTest {
  private static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
  private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
  private static TracedGraph graph;
  private static WebClient serial;

  @BeforeAll
  static void start(VertxTestContext ctx) {
    graph = new TracedGraph();
    // One connection: the server ends each answer (and its span) before it reads the next request.
    serial = WebClient.create(graph.vertx(), new WebClientOptions(), new PoolOptions().setHttp1MaxSize(1));
    graph.start().onComplete(ctx.succeedingThenComplete());
  }

  @AfterAll
  static void stop(VertxTestContext ctx) {
    serial.close();
    graph.close().onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("/v1 routes by their path, failures included; 404/405 no route took as route=\"unmatched\"; spans alike")
  void routes(VertxTestContext ctx) {
    graph.spans().reset();
    send(HttpMethod.POST, "/v1/completions", "{\"model\": \"gpt2\", \"prompt\": \"hi\", \"max_tokens\": 2}")
        .compose(r -> send(HttpMethod.POST, "/v1/completions", "{\"model\": \"gpt2\", \"prompt\": \"hi\", \"n\": \"2\"}"))
        .compose(r -> send(HttpMethod.GET, "/v1/models", ""))
        .compose(r -> send(HttpMethod.GET, "/nowhere/abc123", ""))
        .compose(r -> send(HttpMethod.GET, "/classify_generated_texts", ""))
        .compose(r -> send(HttpMethod.GET, "/graphs/nope", ""))
        .compose(r -> send(HttpMethod.POST, "/classify_generated_texts", "  "))
        .compose(marker -> graph.exported(marker.getHeader("x-trace-id")))
        .compose(spans -> serial.get(graph.port(), "localhost", "/metrics").send().map(metrics -> {
          ctx.verify(() -> {
            assertMetrics(metrics.bodyAsString());
            assertSpans(spans);
          });
          return metrics;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  private static void assertMetrics(String text) {
    String requests = "vertx_http_server_requests_total";
    assertThat(text).contains(requests + "{code=\"200\",method=\"POST\",route=\"/v1/completions\"}",
        requests + "{code=\"400\",method=\"POST\",route=\"/v1/completions\"}",
        requests + "{code=\"200\",method=\"GET\",route=\"/v1/models\"}",
        requests + "{code=\"404\",method=\"GET\",route=\"unmatched\"}",
        requests + "{code=\"405\",method=\"GET\",route=\"unmatched\"}",
        requests + "{code=\"404\",method=\"GET\",route=\"/graphs/:name\"}");
    List<String> routes = text.lines().filter(line -> line.startsWith(requests + "{")).toList();
    assertThat(routes).noneMatch(line -> line.contains(">") || line.contains("route=\"\"")
        || line.contains("nowhere"));
  }

  private static void assertSpans(List<SpanData> spans) {
    assertThat(root(spans, "/v1/completions")).extracting(SpanData::getName).containsOnly("POST /v1/completions");
    assertThat(root(spans, "/v1/completions")).hasSize(2)
        .allMatch(span -> "/v1/completions".equals(span.getAttributes().get(ROUTE)));
    assertThat(root(spans, "/v1/models")).extracting(SpanData::getName).containsExactly("GET /v1/models");
    assertThat(root(spans, "/graphs/nope")).extracting(SpanData::getName).containsExactly("GET /graphs/:name");
    // No route: the method alone, and no http.route (OpenTelemetry's HTTP conventions), never the raw path.
    assertThat(root(spans, "/nowhere/abc123")).extracting(SpanData::getName).containsExactly("GET");
    assertThat(root(spans, "/nowhere/abc123").get(0).getAttributes().get(ROUTE)).isNull();
    assertThat(root(spans, "/classify_generated_texts")).extracting(SpanData::getName)
        .containsExactlyInAnyOrder("GET", "POST /classify_generated_texts");
  }

  @Test
  @DisplayName("the generated-tokens counter exists for each generator and not for the classifier, which never moves it")
  void perTaskSeries(VertxTestContext ctx) {
    serial.get(graph.port(), "localhost", "/metrics").send().onComplete(ctx.succeeding(metrics -> ctx.verify(() -> {
      String text = metrics.bodyAsString();
      for (String model : List.of("gpt2", "distilgpt2", "gpt2-medium")) {
        assertThat(text).contains("graph_inference_tokens_generated_total{model=\"" + model + "\"}");
      }
      assertThat(text).doesNotContain("graph_inference_tokens_generated_total{model=\"bert-base-uncased\"}")
          .contains("graph_inference_tokens_prompt_total{model=\"bert-base-uncased\"}");
      ctx.completeNow();
    })));
  }

  private static List<SpanData> root(List<SpanData> spans, String path) {
    return spans.stream().filter(s -> !s.getParentSpanContext().isValid())
        .filter(s -> path.equals(s.getAttributes().get(PATH))).toList();
  }

  private static Future<HttpResponse<Buffer>> send(HttpMethod method, String path, String body) {
    return serial.request(method, graph.port(), "localhost", path).putHeader("Content-Type",
        path.startsWith("/classify") ? "text/plain" : "application/json").sendBuffer(Buffer.buffer(body));
  }
}
