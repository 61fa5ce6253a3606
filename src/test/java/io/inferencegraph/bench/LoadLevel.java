package io.inferencegraph.bench;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One closed-loop load level: {@code concurrency} clients, each sending its next request as soon as
 * the previous one is answered, until the time or the request budget is spent.
 */
final class LoadLevel {
  /**
   * One answered (or failed) request: its latency, the time to its first token event when streamed
   * (-1 otherwise), and "200", another status, "stream_error", or an exception name.
   */
  record Outcome(long nanos, long firstTokenNanos, String result) {
    boolean ok() {
      return result.equals("200");
    }
  }

  /** What a level measured: outcomes in completion order and the wall time they took. */
  record Report(int concurrency, List<Outcome> outcomes, double seconds) {
    double[] sortedOkMillis() {
      return outcomes.stream().filter(Outcome::ok).mapToDouble(o -> o.nanos() / 1e6).sorted().toArray();
    }

    /** Time to first token of the successful streamed requests, in milliseconds. */
    double[] sortedFirstTokenMillis() {
      return outcomes.stream().filter(o -> o.ok() && o.firstTokenNanos() >= 0)
          .mapToDouble(o -> o.firstTokenNanos() / 1e6).sorted().toArray();
    }

    /** "none", or the failures by status or exception: "429×3, HttpTimeoutException×1". */
    String errors() {
      Map<String, Integer> counts = new TreeMap<>();
      outcomes.stream().filter(o -> !o.ok()).forEach(o -> counts.merge(o.result(), 1, Integer::sum));
      List<String> parts = new ArrayList<>();
      counts.forEach((result, count) -> parts.add(result + "×" + count));
      return parts.isEmpty() ? "none" : String.join(", ", parts);
    }
  }

  private final HttpClient client;
  private final HttpRequest request;
  private final boolean streamed;

  /** {@code streamed}: the request asks for server-sent events; each answer is read line by line as it comes. */
  LoadLevel(HttpClient client, HttpRequest request, boolean streamed) {
    this.client = client;
    this.request = request;
    this.streamed = streamed;
  }

  Report run(int concurrency, double seconds, int maxRequests) throws InterruptedException {
    ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    AtomicInteger issued = new AtomicInteger();
    long start = System.nanoTime();
    long deadline = start + (long) (seconds * 1e9);
    ExecutorService clients = Executors.newFixedThreadPool(concurrency);
    for (int i = 0; i < concurrency; i++) {
      clients.execute(() -> {
        while (System.nanoTime() < deadline && issued.getAndIncrement() < maxRequests) {
          outcomes.add(send());
        }
      });
    }
    clients.shutdown();
    long grace = request.timeout().orElseThrow().toSeconds() + 5;
    if (!clients.awaitTermination((long) seconds + grace, TimeUnit.SECONDS)) {
      clients.shutdownNow();
      throw new IllegalStateException("clients did not finish within " + grace + " s after the deadline");
    }
    return new Report(concurrency, List.copyOf(outcomes), (System.nanoTime() - start) / 1e9);
  }

  /** One request; an exception is an outcome too, so a client never dies mid-level. */
  Outcome send() {
    long begin = System.nanoTime();
    long firstToken = -1;
    String result;
    try {
      if (streamed) {
        HttpResponse<java.util.stream.Stream<String>> response = client.send(request, HttpResponse.BodyHandlers.ofLines());
        result = String.valueOf(response.statusCode());
        for (String line : (Iterable<String>) response.body()::iterator) {
          if (firstToken < 0 && line.equals("event: token")) {
            firstToken = System.nanoTime() - begin;
          } else if (line.equals("event: error")) {
            result = "stream_error";
          }
        }
      } else {
        HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
        result = String.valueOf(response.statusCode());
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      result = e.getClass().getSimpleName();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result = "interrupted";
    }
    return new Outcome(System.nanoTime() - begin, firstToken, result);
  }
}
