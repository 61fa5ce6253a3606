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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The CDN the Hub redirects LFS downloads to: GET/HEAD /repos/SHA256 on a host named "localhost" (the Hub is
 * 127.0.0.1), honouring Range with 206; it can cut a download short or hold it back.
 */
final class FakeCdn {
  private final Vertx vertx;
  private final Function<String, Optional<FakeFile>> blobs;
  private final List<Seen> seen;
  private final Map<String, Integer> dropAfter = new ConcurrentHashMap<>();
  private final Map<String, Promise<Void>> held = new ConcurrentHashMap<>();
  private final Map<String, Integer> headsNeeded = new ConcurrentHashMap<>();
  private final HttpServer server;

  FakeCdn(Vertx vertx, Function<String, Optional<FakeFile>> blobs, List<Seen> seen) throws Exception {
    this.vertx = vertx;
    this.blobs = blobs;
    this.seen = seen;
    server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** A signed-looking URL on another host name than the Hub's. */
  String url(String sha256) {
    return "http://localhost:" + server.actualPort() + "/repos/" + sha256 + "?X-Amz-Signature=x";
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
    int start = rangeStart(request.getHeader("Range"));
    if (start > 0) {
      response.setStatusCode(206)
          .putHeader("Content-Range", "bytes " + start + "-" + (bytes.length - 1) + "/" + bytes.length);
    }
    Buffer body = Buffer.buffer(Arrays.copyOfRange(bytes, start, bytes.length));
    Integer cut = request.method() == HttpMethod.GET ? dropAfter.remove(sha256) : null;
    if (cut != null) {
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
