package io.inferencegraph.hub;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Hub's metadata: the revision listing (GET /api/models/REPO/revision/REV) and each file's metadata (HEAD on
 * /REPO/resolve/COMMIT/PATH). Redirects are followed while they stay on the Hub host (a renamed repo, the resolve
 * cache); a redirect to another host is where an LFS file's bytes are.
 */
final class HubApi {
  private static final int MAX_REDIRECTS = 5;
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private final URI endpoint;
  private final Credentials credentials;
  private final Transport transport;
  private final Retry retry;

  HubApi(URI endpoint, Credentials credentials, Transport transport, Retry retry) {
    this.endpoint = endpoint;
    this.credentials = credentials;
    this.transport = transport;
    this.retry = retry;
  }

  RepoListing listing(RepoRef ref) {
    URI uri = HubUrls.revisionInfo(endpoint, ref.repo(), ref.revision());
    return onHub("listing " + ref + " at " + endpoint, "GET", uri, ref, null, HubApi::parseListing);
  }

  FileMetadata metadata(RepoRef ref, String commit, String path) {
    URI uri = HubUrls.resolve(endpoint, ref.repo(), commit, path);
    return onHub("HEAD " + path + " of " + ref, "HEAD", uri, ref, path, response -> fileMetadata(response, path));
  }

  /** Reads the answer that ends a chain of Hub redirects. */
  private interface AnswerReader<T> {
    T read(Transport.Response response) throws IOException;
  }

  private record Hop<T>(T answer, URI next) {}

  private <T> T onHub(String what, String method, URI start, RepoRef ref, String path, AnswerReader<T> reader) {
    URI uri = start;
    for (int redirects = 0; redirects <= MAX_REDIRECTS; redirects++) {
      URI current = uri;
      Hop<T> hop = retry.run(what, () -> {
        try (Transport.Response response = transport.open(method, current, credentials.headersFor(current))) {
          check(response, ref, path);
          Optional<URI> next = hubRedirect(response);
          return next.isPresent() ? new Hop<T>(null, next.get()) : new Hop<>(reader.read(response), null);
        }
      });
      if (hop.next() == null) {
        return hop.answer();
      }
      uri = hop.next();
    }
    throw protocol("more than " + MAX_REDIRECTS + " redirects for " + start);
  }

  /** A redirect to follow: one that stays on the Hub host and is not an LFS file's pointer to its bytes. */
  private Optional<URI> hubRedirect(Transport.Response response) {
    if (response.status() / 100 != 3 || response.header("X-Linked-Etag").isPresent()) {
      return Optional.empty();
    }
    return response.header("Location").map(response.uri()::resolve)
        .filter(target -> endpoint.getHost().equalsIgnoreCase(target.getHost()));
  }

  private void check(Transport.Response response, RepoRef ref, String path) throws Retry.RetryableStatus {
    if (Retry.retryable(response.status())) {
      throw new Retry.RetryableStatus(response.status(), Retry.retryAfter(response));
    }
    if (response.status() >= 400) {
      throw HubErrors.of(response, ref, path, credentials.sourceFor(response.uri()));
    }
  }

  private static RepoListing parseListing(Transport.Response response) throws IOException {
    try (InputStreamReader body = new InputStreamReader(response.body(), StandardCharsets.UTF_8)) {
      JsonObject info = JsonParser.parseReader(body).getAsJsonObject();
      if (!info.has("sha") || !info.has("siblings")) {
        throw protocol(response.uri() + " answered without 'sha' or 'siblings'");
      }
      List<String> paths = new ArrayList<>();
      for (JsonElement sibling : info.getAsJsonArray("siblings")) {
        paths.add(sibling.getAsJsonObject().get("rfilename").getAsString());
      }
      return new RepoListing(RepoCache.checkCommit(info.get("sha").getAsString()), List.copyOf(paths));
    } catch (JsonParseException | IllegalStateException | ClassCastException | NullPointerException e) {
      throw protocol(response.uri() + " did not answer a model listing: " + e.getMessage());
    }
  }

  /** From a 200 (small file, bytes at this URL) or a redirect off the Hub (LFS file, bytes at the Location). */
  private static FileMetadata fileMetadata(Transport.Response response, String path) {
    URI uri = response.uri();
    Optional<String> linkedEtag = response.header("X-Linked-Etag").map(HubApi::normalizeEtag);
    Optional<URI> location = response.status() / 100 == 3 ? response.header("Location").map(uri::resolve)
        : Optional.empty();
    String etag = linkedEtag.or(() -> response.header("ETag").map(HubApi::normalizeEtag))
        .orElseThrow(() -> protocol(uri + " sent no ETag, so the file cannot be named in the cache"));
    if (response.header("X-Repo-Commit").isEmpty()) {
      throw protocol(uri + " sent no X-Repo-Commit: is HF_ENDPOINT a Hugging Face Hub?");
    }
    try {
      long size = response.header("X-Linked-Size").map(Long::parseLong)
          .orElse(location.isPresent() ? -1L : response.contentLength());
      Optional<String> sha256 = linkedEtag.filter(e -> SHA256.matcher(e).matches());
      return new FileMetadata(path, etag, size, location.orElse(uri), sha256);
    } catch (NumberFormatException e) {
      throw protocol(uri + " sent a bad X-Linked-Size: " + e.getMessage());
    }
  }

  /** The blob name: quotes and the weak-validator prefix stripped, as huggingface_hub does. */
  static String normalizeEtag(String etag) {
    String stripped = etag.startsWith("W/") ? etag.substring(2) : etag;
    return stripped.replace("\"", "").strip();
  }

  private static HubException protocol(String message) {
    return new HubException(HubException.Kind.PROTOCOL, message);
  }
}
