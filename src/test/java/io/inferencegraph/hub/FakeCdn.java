package io.inferencegraph.hub;

import io.inferencegraph.hub.FakeRepo.FakeFile;
import io.inferencegraph.hub.HubStandIn.Seen;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The CDN the Hub redirects LFS downloads to: GET/HEAD /repos/SHA256 on a host named "localhost" (the Hub is
 * 127.0.0.1), honouring Range with 206 (416 past the end); it can cut a download short, hold it back, redirect it,
 * refuse it, answer 503 once, ignore Range, or leave out Content-Range once.
 */
final class FakeCdn {
  private final Vertx vertx;
  private final Function<String, Optional<FakeFile>> blobs;
  private final List<Seen> seen;
  private final Map<String, Integer> dropAfter = new ConcurrentHashMap<>();
  private final Map<String, Integer> dropEvery = new ConcurrentHashMap<>();
  private final Map<String, Promise<Void>> held = new ConcurrentHashMap<>();
  private final Map<String, Integer> headsNeeded = new ConcurrentHashMap<>();
  private final Map<String, Integer> hops = new ConcurrentHashMap<>();
  private final Map<String, Integer> refusals = new ConcurrentHashMap<>();
  private final Set<String> unavailableOnce = ConcurrentHashMap.newKeySet();
  private final Set<String> rangeIgnored = ConcurrentHashMap.newKeySet();
  private final Set<String> contentRangeOmitted = ConcurrentHashMap.newKeySet();
  private volatile String host = "localhost";
  private final HttpServer server;

  FakeCdn(Vertx vertx, Function<String, Optional<FakeFile>> blobs, List<Seen> seen) throws Exception {
    this.vertx = vertx;
    this.blobs = blobs;
    this.seen = seen;
    server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** A signed-looking URL on another host name than the Hub's (unless {@link #onHubHost()}). */
  String url(String sha256) {
    return "http://" + host + ":" + server.actualPort() + "/repos/" + sha256 + "?X-Amz-Signature=x";
  }

  /** Redirect URLs name 127.0.0.1, the Hub's host, on the CDN's own port. */
  void onHubHost() {
    host = "127.0.0.1";
  }

  /** Requests for this blob are redirected {@code count} times (relative Locations) before the bytes come. */
  void redirect(String sha256, int count) {
    hops.put(sha256, count);
  }

  /** Requests for this blob answer {@code status} (e.g. 403 for an expired signature). */
  void refuse(String sha256, int status) {
    refusals.put(sha256, status);
  }

  /** The next request for this blob answers 503 with Retry-After: 0. */
  void unavailableOnce(String sha256) {
    unavailableOnce.add(sha256);
  }

  /** The next 206 for this blob comes without its Content-Range header. */
  void omitContentRangeOnce(String sha256) {
    contentRangeOmitted.add(sha256);
  }

  /** GETs of this blob answer 200 with the whole file, whatever Range asks for. */
  void ignoreRange(String sha256) {
    rangeIgnored.add(sha256);
  }

  /** Every GET of this blob sends at most {@code bytes} bytes, then closes the connection: a link that keeps dropping. */
  void dropEvery(String sha256, int bytes) {
    dropEvery.put(sha256, bytes);
  }

  void dropOnce(String sha256, int bytes) {
    dropAfter.put(sha256, bytes);
  }

  void holdUntilHeads(String sha256, int heads) {
    headsNeeded.put(sha256, heads);
    held.put(sha256, Promise.promise());
    vertx.setTimer(10_000, id -> held.get(sha256).tryComplete()); // never hangs a test that fails
  }

  /** The Hub answered a HEAD for this blob. */
  void headSeen(String sha256) {
    Promise<Void> hold = held.get(sha256);
    if (hold != null && headsNeeded.merge(sha256, -1, Integer::sum) <= 0) {
      hold.tryComplete();
    }
  }

  private void handle(HttpServerRequest request) {
    String sha256 = request.path().substring(request.path().lastIndexOf('/') + 1);
    Optional<FakeFile> file = blobs.apply(sha256);
    if (file.isEmpty()) {
      request.response().setStatusCode(404).end();
      HubStandIn.record(seen, request, "cdn", 0);
      return;
    }
    int hop = Integer.parseInt(Optional.ofNullable(request.getParam("hop")).orElse("0"));
    if (hop < hops.getOrDefault(sha256, 0)) {
      HubStandIn.send(seen, request, "cdn", request.response().setStatusCode(302)
          .putHeader("Location", "/repos/" + sha256 + "?X-Amz-Signature=x&hop=" + (hop + 1)), Buffer.buffer());
      return;
    }
    if (refusals.containsKey(sha256) || unavailableOnce.remove(sha256)) {
      int status = refusals.getOrDefault(sha256, 503);
      HubStandIn.send(seen, request, "cdn", request.response().setStatusCode(status).putHeader("Retry-After", "0"),
          Buffer.buffer("HTTP " + status));
      return;
    }
    Promise<Void> hold = held.get(sha256);
    if (hold != null && request.method() == HttpMethod.GET) {
      hold.future().onComplete(done -> serve(request, sha256, file.get().served()));
    } else {
      serve(request, sha256, file.get().served());
    }
  }

  /** Serves the bytes, from the Range start if asked; once per dropOnce(), cuts the connection part-way. */
  private void serve(HttpServerRequest request, String sha256, byte[] bytes) {
    HttpServerResponse response = request.response().putHeader("Accept-Ranges", "bytes")
        .putHeader("Content-Type", "application/octet-stream");
    int start = rangeIgnored.contains(sha256) ? 0 : rangeStart(request.getHeader("Range"));
    if (start > 0 && start >= bytes.length) {
      response.setStatusCode(416).putHeader("Content-Range", "bytes */" + bytes.length);
      HubStandIn.send(seen, request, "cdn", response, Buffer.buffer());
      return;
    }
    if (start > 0) {
      response.setStatusCode(206);
      if (!contentRangeOmitted.remove(sha256)) {
        response.putHeader("Content-Range", "bytes " + start + "-" + (bytes.length - 1) + "/" + bytes.length);
      }
    }
    Buffer body = Buffer.buffer(Arrays.copyOfRange(bytes, start, bytes.length));
    Integer cut = request.method() == HttpMethod.GET ? dropAfter.remove(sha256) : null;
    if (cut == null && request.method() == HttpMethod.GET && dropEvery.containsKey(sha256)) {
      cut = Math.min(dropEvery.get(sha256), body.length());
    }
    if (cut != null && cut < body.length()) {
      response.putHeader("Content-Length", "" + body.length());
      HubStandIn.record(seen, request, "cdn", cut);
      response.write(body.getBuffer(0, cut)).onComplete(written -> request.connection().close());
      return;
    }
    HubStandIn.send(seen, request, "cdn", response, body);
  }

  private static int rangeStart(String range) {
    if (range == null || !range.startsWith("bytes=") || !range.endsWith("-")) {
      return 0;
    }
    return Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
  }
}
