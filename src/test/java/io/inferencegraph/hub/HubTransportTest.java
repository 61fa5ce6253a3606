package io.inferencegraph.hub;

import io.inferencegraph.hub.FakeRepo.FakeFile;
import io.inferencegraph.hub.HubStandIn.Seen;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How bytes arrive: the CDN redirect, resuming, checksums, retries. */
class HubTransportTest extends HubFixture {

  @Test
  @DisplayName("LFS files are fetched from the CDN host the Hub redirects to, and the token never goes there")
  void tokenStaysOnTheHub() {
    client(Optional.of("hf_secret"), false).pull(TINY, MODEL);

    assertThat(hub.seen()).filteredOn(s -> s.server().equals("cdn")).hasSize(2)
        .allSatisfy(s -> assertThat(s.authorization()).isNull());
    assertThat(hub.seen()).filteredOn(s -> s.server().equals("hub")).isNotEmpty()
        .allSatisfy(s -> assertThat(s.authorization()).isEqualTo("Bearer hf_secret"));
  }

  @Test
  @DisplayName("a connection dropped mid-file is resumed with Range from the bytes already on disk")
  void resumesWithRange() throws Exception {
    FakeFile graph = tinyFile("onnx/model.onnx");
    hub.dropOnce(graph.sha256(), 70_000);

    Snapshot snapshot = client().pull(TINY, MODEL);

    var gets = hub.seen().stream().filter(s -> s.server().equals("cdn") && s.path().endsWith(graph.sha256())).toList();
    assertThat(gets).extracting(Seen::range).containsExactly(null, "bytes=70000-");
    assertThat(gets.stream().mapToLong(Seen::bodyBytes).sum()).isLessThan(2L * graph.content().length);
    assertThat(Files.readAllBytes(snapshot.dir().resolve("onnx/model.onnx"))).isEqualTo(graph.content());
  }

  @Test
  @DisplayName("a link that drops every 30 kB finishes a 200 kB file: each try that brought bytes restarts the count")
  void flakyLinkFinishes() throws Exception {
    FakeFile graph = tinyFile("onnx/model.onnx");
    hub.cdn().dropEvery(graph.sha256(), 30_000);

    Snapshot snapshot = client().pull(TINY, MODEL); // 4 tries at most, 7 drops

    assertThat(cdnRanges(graph)).containsExactly(null, "bytes=30000-", "bytes=60000-", "bytes=90000-",
        "bytes=120000-", "bytes=150000-", "bytes=180000-");
    assertThat(waits).as("the backoff starts over too").hasSize(6).containsOnly(Duration.ofMillis(100));
    assertThat(Files.readAllBytes(snapshot.dir().resolve("onnx/model.onnx"))).isEqualTo(graph.content());
  }

  @Test
  @DisplayName("tries that bring no bytes still count: a link that drops before the first byte gives up after 4 tries")
  void droppedWithoutBytesGivesUp() {
    FakeFile graph = tinyFile("onnx/model.onnx");
    hub.cdn().dropEvery(graph.sha256(), 0);

    assertThatThrownBy(() -> client().pull(TINY, MODEL))
        .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.kind()).isEqualTo(HubException.Kind.NETWORK))
        .hasMessageContaining("downloading onnx/model.onnx of acme/tiny failed after 4 tries");
    assertThat(cdnRanges(graph)).hasSize(4);
    assertThat(waits).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400));
  }

  @Test
  @DisplayName("a .incomplete left by an interrupted process is resumed with Range, not downloaded again")
  void resumesLeftover() throws Exception {
    FakeFile graph = tinyFile("onnx/model.onnx");
    Path blobs = Files.createDirectories(repoDir("acme/tiny").resolve("blobs"));
    Files.write(blobs.resolve(graph.sha256() + ".incomplete"), java.util.Arrays.copyOf(graph.content(), 123_456));

    Snapshot snapshot = client().pull(TINY, MODEL);

    assertThat(hub.seen()).filteredOn(s -> s.server().equals("cdn") && s.path().endsWith(graph.sha256()))
        .extracting(Seen::range, Seen::bodyBytes)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("bytes=123456-", (long) graph.content().length - 123_456));
    assertThat(Files.readAllBytes(snapshot.dir().resolve("onnx/model.onnx"))).isEqualTo(graph.content());
    assertThat(blobs.resolve(graph.sha256() + ".incomplete")).doesNotExist();
  }

  @Test
  @DisplayName("a file whose bytes do not match the announced sha256 leaves no blob, no .incomplete and no link")
  void checksumMismatch() throws Exception {
    FakeRepo bad = new FakeRepo("acme/bad");
    Map<String, FakeFile> files = HubFixture.tinyFiles();
    FakeFile graph = files.get("onnx/model.onnx");
    byte[] tampered = graph.content().clone();
    tampered[1234] ^= 1;
    files.put("onnx/model.onnx", new FakeFile(graph.content(), true, tampered));
    String commit = bad.commit("main", files);
    hub.serve(bad);

    assertThatThrownBy(() -> client().pull(RepoRef.parse("acme/bad"), MODEL))
        .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.kind()).isEqualTo(HubException.Kind.CHECKSUM_MISMATCH))
        .hasMessageContaining("onnx/model.onnx of acme/bad arrived with sha256")
        .hasMessageContaining("the Hub announced " + graph.sha256());

    Path repo = repoDir("acme/bad");
    // neither the blob nor its .incomplete (other files' partial downloads may stay, to be resumed)
    try (Stream<Path> blobs = Files.list(repo.resolve("blobs"))) {
      assertThat(blobs.map(p -> p.getFileName().toString())).noneMatch(name -> name.startsWith(graph.sha256()));
    }
    assertThat(repo.resolve("snapshots").resolve(commit).resolve("onnx/model.onnx")).doesNotExist();
    assertThat(repo.resolve("refs/main")).doesNotExist();
  }

  @Test
  @DisplayName("a 503 with Retry-After is waited out as the Hub asks, then the pull succeeds")
  void retriesUnavailable() {
    hub.unavailable("/api/models/acme/tiny/revision/main", 1);
    hub.unavailable("/acme/tiny/resolve/" + tinyCommit + "/config.json", 1);

    Snapshot snapshot = client().pull(TINY, MODEL);

    assertThat(snapshot.commit()).isEqualTo(tinyCommit);
    assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1));
    assertThat(hub.seen()).filteredOn(s -> s.path().equals("/api/models/acme/tiny/revision/main")).hasSize(2);
  }

  @Test
  @DisplayName("a Hub that stays unavailable fails with NETWORK after a few tries, with growing waits")
  void givesUp() {
    hub.unavailable("/api/models/acme/tiny/revision/main", 100);
    HubSettings settings = new HubSettings(hub.endpoint(), Optional.empty(), cache, false);
    HubClient client = new HubClient(settings, ProgressListener.silent(),
        new Retry.Policy(3, Duration.ofMillis(100), Duration.ofMillis(150), waits::add), Duration.ofSeconds(5));

    assertThatThrownBy(() -> client.pull(TINY, MODEL))
        .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.kind()).isEqualTo(HubException.Kind.NETWORK))
        .hasMessageContaining("listing acme/tiny").hasMessageContaining("failed after 3 tries")
        .hasMessageContaining("HTTP 503");
    assertThat(waits).containsExactly(Duration.ofMillis(150), Duration.ofMillis(150));
  }

  @Test
  @DisplayName("a renamed repo's redirects on the Hub host are followed, with the token, under the name asked for")
  void followsRename() throws Exception {
    hub.rename("acme/old-tiny", "acme/tiny");

    Snapshot snapshot = client(Optional.of("hf_secret"), false).pull(RepoRef.parse("acme/old-tiny"), MODEL);

    assertThat(snapshot.dir()).isEqualTo(repoDir("acme/old-tiny").resolve("snapshots").resolve(tinyCommit));
    assertThat(Files.readString(repoDir("acme/old-tiny").resolve("refs/main"))).isEqualTo(tinyCommit);
    assertThat(hub.seen()).filteredOn(s -> s.path().startsWith("/acme/tiny/") || s.path().startsWith("/api/models/acme/tiny/"))
        .isNotEmpty().allSatisfy(s -> assertThat(s.authorization()).isEqualTo("Bearer hf_secret"));
  }
}
