package io.inferencegraph.hub;

import io.inferencegraph.hub.FakeRepo.FakeFile;
import io.inferencegraph.hub.HubException.Kind;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the client makes of the Hub's metadata answers: redirects, headers, error statuses, and what it sends. */
class HubMetadataTest extends HubFixture {

  @Test
  @DisplayName("Hub redirects (renames) are followed for five hops; a sixth is a PROTOCOL error")
  void renameChain() {
    for (int i = 1; i <= 5; i++) { // r1 -> r2 -> ... -> r5 -> tiny: five hops
      hub.rename("acme/r" + i, i == 5 ? "acme/tiny" : "acme/r" + (i + 1));
    }
    hub.rename("acme/r6", "acme/r1"); // six hops

    assertThat(client().pull(RepoRef.parse("acme/r1"), MODEL).commit()).isEqualTo(tinyCommit);
    assertThatThrownBy(() -> client().pull(RepoRef.parse("acme/r6"), MODEL))
        .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.kind()).isEqualTo(Kind.PROTOCOL))
        .hasMessageContaining("more than 5 redirects for " + hub.endpoint() + "/api/models/acme/r6/revision/main");
  }

  @Test
  @DisplayName("a small file the Hub redirects to another host is fetched from there, its size taken from the download")
  void smallFileRedirected() throws Exception {
    hub.redirectSmallFiles();
    RecordingProgress progress = new RecordingProgress();

    Snapshot snapshot = client(progress).pull(TINY, MODEL);

    FakeFile config = tinyFile("config.json");
    assertThat(progress.events).contains("started config.json -1");
    assertThat(Files.readAllBytes(snapshot.dir().resolve("config.json"))).isEqualTo(config.content());
    assertThat(Files.readSymbolicLink(snapshot.dir().resolve("config.json")).toString())
        .isEqualTo("../../blobs/" + config.gitSha1());
    assertThat(hub.seen()).filteredOn(s -> s.method().equals("GET") && s.server().equals("cdn")
        && s.path().endsWith("/" + config.sha256())).hasSize(1);
  }

  @Test
  @DisplayName("an LFS etag that is no sha256 names the blob but is not taken for a checksum")
  void linkedEtagNotSha256() throws Exception {
    FakeFile graph = tinyFile("onnx/model.onnx");
    hub.linkedEtag(graph.sha256(), "xet-0123abcd");

    Snapshot snapshot = client().pull(TINY, MODEL);

    assertThat(Files.readSymbolicLink(snapshot.dir().resolve("onnx/model.onnx")).toString())
        .isEqualTo("../../../blobs/xet-0123abcd");
    assertThat(Files.readAllBytes(snapshot.dir().resolve("onnx/model.onnx"))).isEqualTo(graph.content());
  }

  @Test
  @DisplayName("a /resolve answer without ETag is refused: the file could not be named in the cache")
  void missingHeaders() {
    hub.withoutHeader("ETag");
    hub.withoutHeader("X-Linked-Etag");
    assertThatThrownBy(() -> client().pull(TINY, MODEL))
        .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.kind()).isEqualTo(Kind.PROTOCOL))
        .hasMessageContaining("/acme/tiny/resolve/" + tinyCommit + "/config.json sent no ETag, so the file cannot be named");
  }

  @Test
  @DisplayName("a /resolve answer without X-Repo-Commit is refused, asking whether HF_ENDPOINT is a Hub")
  void missingRepoCommit() {
    hub.withoutHeader("X-Repo-Commit");
    assertThatThrownBy(() -> client().pull(TINY, MODEL))
        .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.kind()).isEqualTo(Kind.PROTOCOL))
        .hasMessageContaining("config.json sent no X-Repo-Commit: is HF_ENDPOINT a Hugging Face Hub?");
  }

  @Test
  @DisplayName("an HTTP 400 is an unexpected answer naming status, URL and error code, and is not retried")
  void badRequest() {
    String path = "/api/models/acme/tiny/revision/main";
    hub.failWith(path, 400, "BadRequest", 1);

    assertThatThrownBy(() -> client().pull(TINY, MODEL))
        .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.kind()).isEqualTo(Kind.PROTOCOL))
        .hasMessageContaining("unexpected HTTP 400 from " + hub.endpoint() + path + " (BadRequest)");
    assertThat(waits).isEmpty();
  }

  @Test
  @DisplayName("a 404 without an error code (or a blank one) is a missing file for /resolve, a missing repo for the listing")
  void notFoundWithoutCode() {
    hub.failWith("/acme/tiny/resolve/" + tinyCommit + "/config.json", 404, null, 1);
    assertThatThrownBy(() -> client().pull(TINY, MODEL))
        .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.kind()).isEqualTo(Kind.ENTRY_NOT_FOUND))
        .hasMessageContaining("acme/tiny has no file config.json");

    hub.failWith("/api/models/acme/tiny/revision/main", 404, null, 1);
    assertThatThrownBy(() -> client().pull(TINY, MODEL))
        .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.kind()).isEqualTo(Kind.REPO_NOT_FOUND));

    hub.failWith("/acme/tiny/resolve/" + tinyCommit + "/config.json", 404, "", 1); // a blank code is no code
    assertThatThrownBy(() -> client().pull(TINY, MODEL))
        .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.kind()).isEqualTo(Kind.ENTRY_NOT_FOUND));
  }

  @Test
  @DisplayName("an HTTP 500 is retried like a 503, after the backoff since it names no Retry-After")
  void serverError() {
    hub.failWith("/api/models/acme/tiny/revision/main", 500, null, 1);

    assertThat(client().pull(TINY, MODEL).commit()).isEqualTo(tinyCommit);
    assertThat(waits).containsExactly(Duration.ofMillis(100));
  }

  @Test
  @DisplayName("a CDN on the Hub's host but another port is another origin: the token does not go there")
  void tokenNotSentToOtherPort() {
    hub.cdn().onHubHost();

    client(Optional.of("hf_secret"), false).pull(TINY, MODEL);

    assertThat(hub.seen()).filteredOn(s -> s.server().equals("cdn")).hasSize(2)
        .allSatisfy(s -> assertThat(s.authorization()).isNull());
  }

  @Test
  @DisplayName("every request names this client in User-Agent and asks for the bytes as stored (no compression)")
  void requestHeaders() {
    client().pull(TINY, MODEL);

    assertThat(hub.seen()).isNotEmpty().allSatisfy(s -> {
      assertThat(s.userAgent()).startsWith("inference-graph-hub/");
      assertThat(s.acceptEncoding()).isEqualTo("identity");
    });
  }
}
