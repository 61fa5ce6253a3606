package io.inferencegraph.hub;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Hub's metadata: the revision listing (GET /api/models/REPO/revision/REV) and each file's metadata (HEAD on
 * /REPO/resolve/COMMIT/PATH, following redirects only while they stay on the Hub host).
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
    return retry.run("listing " + ref + " at " + endpoint, () -> {
      try (Transport.Response response = transport.open("GET", uri, credentials.headersFor(uri))) {
        check(response, ref, null);
        try (Reader body = new InputStreamReader(response.body(), StandardCharsets.UTF_8)) {
          return parseListing(JsonParser.parseReader(body), uri);
        } catch (JsonParseException | IllegalStateException | ClassCastException e) {
          throw new HubException(HubException.Kind.PROTOCOL, uri + " did not answer a model listing: " + e.getMessage());
        }
      }
    });
  }

  FileMetadata metadata(RepoRef ref, String commit, String path) {
    URI uri = HubUrls.resolve(endpoint, ref.repo(), commit, path);
    for (int redirects = 0; redirects <= MAX_REDIRECTS; redirects++) {
      URI current = uri;
      Hop hop = retry.run("HEAD " + path + " of " + ref, () -> head(current, ref, path));
      if (hop.file() != null) {
        return hop.file();
      }
      uri = hop.next();
    }
    throw new HubException(HubException.Kind.PROTOCOL, "more than " + MAX_REDIRECTS + " redirects for " + path);
  }

  /** The file's metadata, or the next Hub URL when the Hub redirects to itself (e.g. a renamed repo). */
  private record Hop(FileMetadata file, URI next) {}

  private Hop head(URI uri, RepoRef ref, String path) throws IOException, Retry.RetryableStatus {
    try (Transport.Response response = transport.open("HEAD", uri, credentials.headersFor(uri))) {
      check(response, ref, path);
      Optional<String> linkedEtag = response.header("X-Linked-Etag").map(HubApi::normalizeEtag);
      Optional<URI> location = response.status() / 100 == 3
          ? response.header("Location").map(uri::resolve) : Optional.empty();
      if (location.isPresent() && linkedEtag.isEmpty() && endpoint.getHost().equalsIgnoreCase(location.get().getHost())) {
        return new Hop(null, location.get());
      }
      String etag = linkedEtag.or(() -> response.header("ETag").map(HubApi::normalizeEtag))
          .orElseThrow(() -> protocol(uri + " sent no ETag, so the file cannot be named in the cache"));
      if (response.header("X-Repo-Commit").isEmpty()) {
        throw protocol(uri + " sent no X-Repo-Commit: is HF_ENDPOINT a Hugging Face Hub?");
      }
      long size = response.header("X-Linked-Size").map(Long::parseLong)
          .orElse(location.isPresent() ? -1L : response.contentLength());
      Optional<String> sha256 = linkedEtag.filter(e -> SHA256.matcher(e).matches());
      return new Hop(new FileMetadata(path, etag, size, location.orElse(uri), sha256), null);
    } catch (NumberFormatException e) {
      throw protocol(uri + " sent a bad X-Linked-Size: " + e.getMessage());
    }
  }

  private void check(Transport.Response response, RepoRef ref, String path) throws Retry.RetryableStatus {
    if (Retry.retryable(response.status())) {
      throw new Retry.RetryableStatus(response.status(), Retry.retryAfter(response));
    }
    if (response.status() >= 400) {
      throw HubErrors.of(response, ref, path, !credentials.headersFor(response.uri()).isEmpty());
    }
  }

  private static RepoListing parseListing(JsonElement json, URI uri) {
    JsonObject info = json.getAsJsonObject();
    if (!info.has("sha") || !info.has("siblings")) {
      throw protocol(uri + " answered without 'sha' or 'siblings'");
    }
    List<String> paths = new ArrayList<>();
    for (JsonElement sibling : info.getAsJsonArray("siblings")) {
      paths.add(sibling.getAsJsonObject().get("rfilename").getAsString());
    }
    return new RepoListing(RepoCache.checkCommit(info.get("sha").getAsString()), List.copyOf(paths));
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
