package io.inferencegraph.hub;

import io.inferencegraph.hub.FakeRepo.FakeFile;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The Hugging Face Hub as a test sees it: the model API and /resolve on 127.0.0.1, LFS bytes on a "CDN" reached as
 * localhost (another port, another host name), with the Hub's headers and error codes, and faults to inject.
 */
public final class HubStandIn implements AutoCloseable {
  /** One request as served: which server, what was asked, which credentials came with it, how many bytes went back. */
  record Seen(String server, String method, String path, String authorization, String range, long bodyBytes,
      String userAgent, String acceptEncoding) {}

  /** An error answer to inject: the status, an X-Error-Code (or null), how many more requests get it, for which method. */
  private record Failure(int status, String code, int left, HttpMethod method) {}

  private final Vertx vertx = Vertx.vertx();
  private final Map<String, FakeRepo> repos = new ConcurrentHashMap<>();
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final Map<String, Failure> failures = new ConcurrentHashMap<>();
  private final Map<String, String> renamed = new ConcurrentHashMap<>();
  private final Set<String> stripped = ConcurrentHashMap.newKeySet();
  private final Map<String, String> linkedEtags = new ConcurrentHashMap<>();
  private volatile boolean redirectSmallFiles;
  private final HttpServer hub;
  private final FakeCdn cdn;

  public HubStandIn() throws Exception {
    hub = vertx.createHttpServer().requestHandler(this::hub).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    cdn = new FakeCdn(vertx, this::blob, seen);
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + hub.actualPort());
  }

  public HubStandIn serve(FakeRepo repo) {
    repos.put(repo.id, repo);
    return this;
  }

  List<Seen> seen() {
    return List.copyOf(seen);
  }

  void forget() {
    seen.clear();
  }

  /** Requests for the old name answer 307 to the same URL under the new name, as the Hub does after a rename. */
  void rename(String oldId, String newId) {
    renamed.put(oldId, newId);
  }

  /** The first CDN GET of this blob sends {@code bytes} bytes of it, then closes the connection. */
  void dropOnce(String sha256, int bytes) {
    cdn.dropOnce(sha256, bytes);
  }

  /** The next {@code count} requests for this path (e.g. "/api/models/acme/x/revision/main") answer 503 + Retry-After. */
  public void unavailable(String path, int count) {
    failWith(path, 503, null, count);
  }

  /** The next {@code count} requests for this path answer {@code status}, with X-Error-Code {@code code} unless null. */
  void failWith(String path, int status, String code, int count) {
    failures.put(path, new Failure(status, code, count, null));
  }

  /** As {@link #failWith} for GETs only: HEADs of the path are answered as usual. */
  void failGetWith(String path, int status, String code, int count) {
    failures.put(path, new Failure(status, code, count, HttpMethod.GET));
  }

  /** /resolve answers leave out this header (e.g. "ETag", "X-Repo-Commit", "X-Linked-Size"). */
  void withoutHeader(String name) {
    stripped.add(name);
  }

  /** The LFS file with this sha256 is announced with another X-Linked-Etag, as a Hub that names blobs otherwise. */
  void linkedEtag(String sha256, String etag) {
    linkedEtags.put(sha256, etag);
  }

  /** Small files are redirected to the CDN too, with their git ETag and no X-Linked-* headers (a mirror's storage). */
  void redirectSmallFiles() {
    redirectSmallFiles = true;
  }

  /** The CDN, for faults of its own. */
  FakeCdn cdn() {
    return cdn;
  }

  /** CDN GETs of this blob wait until the Hub has answered {@code heads} HEADs for it (10 s at most). */
  void holdDownloadUntilHeads(String sha256, int heads) {
    cdn.holdUntilHeads(sha256, heads);
  }

  private void hub(HttpServerRequest request) {
    if (injectedFailure(request) || redirectedRename(request)) {
      return;
    }
    String[] parts = request.path().substring(1).split("/", -1);
    if (parts.length >= 6 && parts[0].equals("api") && parts[1].equals("models") && parts[4].equals("revision")) {
      listing(request, parts[2] + "/" + parts[3], decode(parts[5]));
    } else if (parts.length >= 5 && parts[2].equals("resolve")) {
      String path = String.join("/", Arrays.copyOfRange(parts, 4, parts.length));
      resolve(request, parts[0] + "/" + parts[1], decode(parts[3]), decode(path));
    } else {
      error(request, 404, "NotFound", "not a Hub route");
    }
  }

  /** Answers the injected failure while one is pending for the path (503 with Retry-After); true if it did. */
  private boolean injectedFailure(HttpServerRequest request) {
    Failure[] fail = {null};
    failures.computeIfPresent(request.path(), (path, failure) -> {
      if (failure.method() != null && failure.method() != request.method()) {
        return failure;
      }
      fail[0] = failure;
      return failure.left() > 1
          ? new Failure(failure.status(), failure.code(), failure.left() - 1, failure.method()) : null;
    });
    if (fail[0] == null) {
      return false;
    }
    HttpServerResponse response = request.response().setStatusCode(fail[0].status()).putHeader("Content-Type", "text/plain");
    if (fail[0].status() == 503) {
      response.putHeader("Retry-After", "1");
    }
    if (fail[0].code() != null) {
      response.putHeader("X-Error-Code", fail[0].code());
    }
    send(seen, request, "hub", response, Buffer.buffer("HTTP " + fail[0].status()));
    return true;
  }

  private boolean redirectedRename(HttpServerRequest request) {
    for (var rename : renamed.entrySet()) {
      for (String prefix : List.of("/", "/api/models/")) {
        if (request.path().startsWith(prefix + rename.getKey() + "/")) {
          String moved = prefix + rename.getValue() + request.path().substring(prefix.length() + rename.getKey().length());
          send(seen, request, "hub", request.response().setStatusCode(307).putHeader("Location", moved), Buffer.buffer());
          return true;
        }
      }
    }
    return false;
  }

  private void listing(HttpServerRequest request, String repoId, String revision) {
    Optional<FakeRepo> repo = visible(request, repoId);
    if (repo.isEmpty()) {
      return;
    }
    Optional<String> commit = repo.get().resolve(revision);
    if (commit.isEmpty()) {
      error(request, 404, "RevisionNotFound", "Invalid rev id: " + revision);
      return;
    }
    JsonArray siblings = new JsonArray();
    repo.get().commits.get(commit.get()).keySet().forEach(path -> siblings.add(new JsonObject().put("rfilename", path)));
    repo.get().phantoms.forEach(path -> siblings.add(new JsonObject().put("rfilename", path)));
    JsonObject info = new JsonObject().put("_id", "0123").put("id", repoId).put("modelId", repoId)
        .put("sha", commit.get()).put("private", false)
        .put("gated", repo.get().gatedToken.isPresent() ? "manual" : false).put("siblings", siblings);
    send(seen, request, "hub", request.response().putHeader("Content-Type", "application/json"), Buffer.buffer(info.encode()));
  }

  private void resolve(HttpServerRequest request, String repoId, String revision, String path) {
    Optional<FakeRepo> repo = visible(request, repoId);
    if (repo.isEmpty()) {
      return;
    }
    Optional<String> commit = repo.get().resolve(revision);
    if (commit.isEmpty()) {
      error(request, 404, "RevisionNotFound", "Invalid rev id: " + revision);
      return;
    }
    if (!granted(request, repo.get())) {
      return;
    }
    FakeFile file = repo.get().commits.get(commit.get()).get(path);
    HttpServerResponse response = request.response().putHeader("X-Repo-Commit", commit.get());
    if (file == null) {
      error(request, 404, "EntryNotFound", path + " does not exist on \"" + revision + "\"");
    } else if (file.lfs()) {
      String sha256 = file.sha256();
      if (request.method() == HttpMethod.HEAD) {
        cdn.headSeen(sha256);
      }
      response.setStatusCode(302).putHeader("Location", cdn.url(sha256))
          .putHeader("X-Linked-Etag", "\"" + linkedEtags.getOrDefault(sha256, sha256) + "\"")
          .putHeader("X-Linked-Size", "" + file.content().length)
          .putHeader("ETag", "\"" + FakeRepo.hex("SHA-1", sha256.getBytes(StandardCharsets.UTF_8)) + "\"");
      send(seen, request, "hub", strip(response), Buffer.buffer());
    } else if (redirectSmallFiles) {
      response.setStatusCode(302).putHeader("Location", cdn.url(file.sha256())).putHeader("ETag", "\"" + file.gitSha1() + "\"");
      send(seen, request, "hub", strip(response), Buffer.buffer());
    } else {
      response.putHeader("ETag", "\"" + file.gitSha1() + "\"").putHeader("Content-Type", "text/plain; charset=utf-8");
      send(seen, request, "hub", strip(response), Buffer.buffer(file.served()));
    }
  }

  private HttpServerResponse strip(HttpServerResponse response) {
    stripped.forEach(response.headers()::remove);
    return response;
  }

  /** The repo, or false after answering as the Hub does: 401 RepoNotFound without a token, 404 with one. */
  private Optional<FakeRepo> visible(HttpServerRequest request, String repoId) {
    FakeRepo repo = repos.get(repoId);
    if (repo == null) {
      boolean token = request.getHeader("Authorization") != null;
      error(request, token ? 404 : 401, "RepoNotFound", "Repository not found");
    }
    return Optional.ofNullable(repo);
  }

  /** Gated repos: 401 without a token, 403 with a token that has no access. */
  private boolean granted(HttpServerRequest request, FakeRepo repo) {
    if (repo.gatedToken.isEmpty()) {
      return true;
    }
    String authorization = request.getHeader("Authorization");
    if (authorization == null) {
      error(request, 401, "GatedRepo", "Access to model " + repo.id + " is restricted. You must be authenticated");
      return false;
    }
    if (!authorization.equals("Bearer " + repo.gatedToken.get())) {
      error(request, 403, "GatedRepo", "Access to model " + repo.id + " is restricted and you are not in the list");
      return false;
    }
    return true;
  }

  /** Any file by its sha256: LFS files, and small files when they are redirected to the CDN. */
  private Optional<FakeFile> blob(String sha256) {
    return repos.values().stream().flatMap(repo -> repo.commits.values().stream())
        .flatMap(files -> files.values().stream()).filter(f -> f.sha256().equals(sha256)).findFirst();
  }

  private void error(HttpServerRequest request, int status, String code, String message) {
    HttpServerResponse response = request.response().setStatusCode(status).putHeader("X-Error-Code", code)
        .putHeader("X-Error-Message", message).putHeader("Content-Type", "application/json");
    send(seen, request, "hub", response, Buffer.buffer(new JsonObject().put("error", message).encode()));
  }

  /** Ends the response; HEAD answers carry the Content-Length of the GET, without the body. */
  static void send(List<Seen> seen, HttpServerRequest request, String server, HttpServerResponse response, Buffer body) {
    if (request.method() == HttpMethod.HEAD) {
      response.putHeader("Content-Length", "" + body.length()).end();
      record(seen, request, server, 0);
    } else {
      response.end(body);
      record(seen, request, server, body.length());
    }
  }

  static void record(List<Seen> seen, HttpServerRequest request, String server, long bytes) {
    seen.add(new Seen(server, request.method().name(), request.path(), request.getHeader("Authorization"),
        request.getHeader("Range"), bytes, request.getHeader("User-Agent"), request.getHeader("Accept-Encoding")));
  }

  private static String decode(String part) {
    return URLDecoder.decode(part, StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
