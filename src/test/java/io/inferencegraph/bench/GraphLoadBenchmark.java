package io.inferencegraph.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;

/**
 * Closed-loop load on a running graph server, on loopback only: for each concurrency level a
 * warm-up, then a measured period bounded in time and in requests. Prints requests/s, latency
 * percentiles and errors by status as a Markdown table.
 * Usage: {@code GraphLoadBenchmark [options] [URL]} (default http://localhost:3000/classify_generated_texts).
 */
public final class GraphLoadBenchmark {
  private static final String DEFAULT_URL = "http://localhost:3000/classify_generated_texts";
  private static final String DEFAULT_PROMPT = "The old lighthouse keeper climbed the stairs and looked out at the sea";
  private static final Set<String> OPTIONS = Set.of("concurrency", "warmup-seconds", "seconds", "max-requests",
      "prompt", "parameters", "timeout-seconds");
  private static final Set<String> FLAGS = Set.of("print-free-port", "help", "stream");
  private static final String USAGE = """
      usage: GraphLoadBenchmark [options] [URL]     (URL default %s; loopback hosts only)
        --concurrency LIST     closed-loop clients per level (1,4,16)
        --warmup-seconds S     unmeasured load before each level (5)
        --seconds S            measured time per level (15)
        --max-requests N       measured requests per level at most (1000)
        --prompt TEXT          the prompt (a fixed English sentence)
        --parameters JSON      generation parameters, e.g. '{"max_new_tokens":32}'; sends application/json
                               (default: text/plain, the server's configured defaults)
        --timeout-seconds S    per-request timeout (120)
        --stream               ask for server-sent events (Accept: text/event-stream) and also report the
                               time to the first token event (TTFT)
        --print-free-port      print a free loopback TCP port and exit (for bench/graph-bench.sh)"""
      .formatted(DEFAULT_URL);

  public static void main(String[] argv) throws Exception {
    Args args;
    try {
      args = new Args(argv, OPTIONS, FLAGS);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage() + "\n" + USAGE);
      System.exit(2);
      return;
    }
    if (args.has("help")) {
      System.out.println(USAGE);
      return;
    }
    if (args.has("print-free-port")) {
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        System.out.println(socket.getLocalPort());
      }
      return;
    }
    URI url = URI.create(args.positional.isEmpty() ? DEFAULT_URL : args.positional.get(0));
    if (!isLoopback(url.getHost())) {
      System.err.println("refusing " + url + ": this load generator only targets loopback addresses");
      System.exit(2);
    }
    run(args, url);
  }

  /** "localhost" or a loopback IP literal; decided without a DNS lookup. */
  static boolean isLoopback(String host) {
    if (host == null) {
      return false;
    }
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (!literal.matches("[0-9.]+") && !literal.contains(":")) {
      return false;
    }
    try {
      return InetAddress.getByName(literal).isLoopbackAddress(); // a literal: parsed, not looked up
    } catch (IOException e) {
      return false;
    }
  }

  private static void run(Args args, URI url) throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
    HttpRequest request = request(args, url);
    checkOnce(client, request);
    boolean streamed = args.has("stream");
    LoadLevel level = new LoadLevel(client, request, streamed);
    double warmup = args.number("warmup-seconds", 5);
    double seconds = args.number("seconds", 15);
    int maxRequests = args.integer("max-requests", 1000, 1);
    Table table = streamed
        ? new Table("clients", "requests", "ok", "ok req/s", "TTFT p50 ms", "TTFT p99 ms", "p50 ms", "p99 ms", "errors")
        : new Table("clients", "requests", "ok", "ok req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors");
    for (int concurrency : args.integers("concurrency", "1,4,16")) {
      System.err.printf("%d client(s): %.0f s warm-up, then %.0f s or %d requests%n", concurrency, warmup, seconds,
          maxRequests);
      if (warmup > 0) {
        level.run(concurrency, warmup, Integer.MAX_VALUE);
      }
      LoadLevel.Report report = level.run(concurrency, seconds, maxRequests);
      if (streamed) {
        streamedRow(table, report);
      } else {
        row(table, report);
      }
    }
    System.out.println();
    System.out.println("Target: POST " + url + " (" + describe(request, args) + ")");
    System.out.println("Load generator: " + Machine.describe() + "; closed loop, HTTP/1.1 keep-alive; latency "
        + "percentiles over successful requests, nearest rank");
    System.out.println();
    System.out.print(table.render());
  }

  private static HttpRequest request(Args args, URI url) {
    String prompt = args.string("prompt", DEFAULT_PROMPT);
    HttpRequest.Builder builder = HttpRequest.newBuilder(url)
        .timeout(Duration.ofSeconds(args.integer("timeout-seconds", 120, 1)));
    if (args.has("stream")) {
      builder.header("Accept", "text/event-stream");
    }
    if (args.has("parameters")) {
      JsonObject body = new JsonObject().put("text", prompt).put("parameters", new JsonObject(args.string("parameters", "{}")));
      return builder.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode()))
          .build();
    }
    return builder.header("Content-Type", "text/plain; charset=utf-8")
        .POST(HttpRequest.BodyPublishers.ofString(prompt)).build();
  }

  /** One request before any load, so that a wrong URL or body stops the run with the server's answer. */
  private static void checkOnce(HttpClient client, HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<String> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      System.err.println("cannot reach " + request.uri() + ": " + e);
      System.exit(1);
      return;
    }
    String body = response.body();
    String shown = body.length() > 400 ? body.substring(0, 400) + "..." : body;
    if (response.statusCode() != 200) {
      System.err.println("the first request failed with " + response.statusCode() + ": " + shown);
      System.exit(1);
    }
    System.err.println("sample response: " + shown);
  }

  private static void row(Table table, LoadLevel.Report report) {
    double[] millis = report.sortedOkMillis();
    table.add(report.concurrency(), report.outcomes().size(), millis.length,
        Stats.round(millis.length / report.seconds()),
        Stats.round(Stats.percentile(millis, 50)), Stats.round(Stats.percentile(millis, 95)),
        Stats.round(Stats.percentile(millis, 99)), Stats.round(Stats.percentile(millis, 100)), report.errors());
  }

  private static void streamedRow(Table table, LoadLevel.Report report) {
    double[] millis = report.sortedOkMillis();
    double[] firstToken = report.sortedFirstTokenMillis();
    table.add(report.concurrency(), report.outcomes().size(), millis.length,
        Stats.round(millis.length / report.seconds()),
        Stats.round(Stats.percentile(firstToken, 50)), Stats.round(Stats.percentile(firstToken, 99)),
        Stats.round(Stats.percentile(millis, 50)), Stats.round(Stats.percentile(millis, 99)), report.errors());
  }

  private static String describe(HttpRequest request, Args args) {
    String prompt = args.string("prompt", DEFAULT_PROMPT);
    return (args.has("stream") ? "text/event-stream, " : "")
        + (args.has("parameters") ? "application/json, parameters " + args.string("parameters", "") : "text/plain")
        + ", prompt of " + prompt.length() + " characters";
  }
}
