package io.inferencegraph.hub;

import io.inferencegraph.hub.FakeRepo.FakeFile;
import io.inferencegraph.hub.HubException.Kind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bodies of the wrong length, unknown sizes, leftovers on disk, CDN redirects and refusals. */
class HubDownloadEdgesTest extends HubFixture {
  private static final String GRAPH = "onnx/model.onnx";

  @Test
  @DisplayName("a body shorter than X-Linked-Size counts as a dropped connection, and the same bytes again are no progress")
  void shortBody() throws Exception {
    byte[] content = FakeRepo.randomBytes(200_000, 7);
    FakeFile file = new FakeFile(content, true, Arrays.copyOf(content, 150_000));
    RepoRef ref = serveWith("acme/short", GRAPH, file);

    // 150 000 bytes (progress: the count starts over), a Range the CDN refuses (416: start over), 150 000 bytes again
    // (no byte further than before: the second try)
    assertThatThrownBy(() -> client(ProgressListener.silent(), 2, Duration.ofSeconds(10)).pull(ref, MODEL))
        .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NETWORK))
        .hasMessageContaining("downloading onnx/model.onnx of acme/short failed after 2 tries: "
            + "IOException: connection closed after 150000 of 200000 bytes");
    assertThat(cdnRanges(file)).containsExactly(null, "bytes=150000-", null);
    // the part that came is kept, to be resumed by the next pull
    assertThat(Files.size(repoDir("acme/short").resolve("blobs/" + file.sha256() + ".incomplete"))).isEqualTo(150_000);
  }

  @Test
  @DisplayName("a body longer than X-Linked-Size is a PROTOCOL error before any checksum, and its bytes are deleted")
  void longBody() throws Exception {
    byte[] content = FakeRepo.randomBytes(200_000, 8);
    byte[] longer = Arrays.copyOf(content, 200_010);
    RepoRef ref = serveWith("acme/long", GRAPH, new FakeFile(content, true, longer));
    FakeFile empty = new FakeFile(new byte[0], true, "abc".getBytes(StandardCharsets.UTF_8));
    RepoRef emptyRef = serveWith("acme/empty", GRAPH, empty);

    assertThatThrownBy(() -> client().pull(ref, MODEL))
        .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.kind()).isEqualTo(Kind.PROTOCOL))
        .hasMessageContaining("onnx/model.onnx of acme/long has more bytes (200010) than the Hub announced (200000)");
    assertThatThrownBy(() -> client().pull(emptyRef, MODEL))
        .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.kind()).isEqualTo(Kind.PROTOCOL))
        .hasMessageContaining("onnx/model.onnx of acme/empty has more bytes (3) than the Hub announced (0)");
    assertThat(repoDir("acme/long").resolve("blobs/" + FakeRepo.hex("SHA-256", content) + ".incomplete")).doesNotExist();
  }

  @Test
  @DisplayName("without X-Linked-Size the length comes from the download, and a dropped connection is still resumed")
  void unknownSize() throws Exception {
    FakeFile graph = tinyFile(GRAPH);
    hub.withoutHeader("X-Linked-Size");
    hub.dropOnce(graph.sha256(), 70_000);
    RecordingProgress progress = new RecordingProgress();

    Snapshot snapshot = client(progress).pull(TINY, MODEL);

    assertThat(cdnRanges(graph)).containsExactly(null, "bytes=70000-");
    assertThat(progress.events).contains("started onnx/model.onnx -1");
    assertThat(Files.readAllBytes(snapshot.dir().resolve(GRAPH))).isEqualTo(graph.content());
  }

  @Test
  @DisplayName("a leftover longer than the announced file is discarded and the file fetched whole, without Range")
  void leftoverTooLong() throws Exception {
    FakeFile graph = tinyFile(GRAPH);
    FakeFile empty = FakeRepo.small("");
    RepoRef ref = serveWith("acme/leftovers", "tokenizer_config.json", empty);
    Path blobs = Files.createDirectories(repoDir("acme/leftovers").resolve("blobs"));
    Files.write(blobs.resolve(graph.sha256() + ".incomplete"), Arrays.copyOf(graph.content(), graph.content().length + 5));
    Files.write(blobs.resolve(empty.gitSha1() + ".incomplete"), new byte[] {1, 2, 3});

    Snapshot snapshot = client().pull(ref, MODEL);

    assertThat(cdnRanges(graph)).containsExactly((String) null);
    assertThat(hub.seen()).filteredOn(s -> s.method().equals("GET") && s.path().endsWith("/tokenizer_config.json"))
        .extracting(HubStandIn.Seen::range).containsExactly((String) null);
    assertThat(Files.readAllBytes(snapshot.dir().resolve(GRAPH))).isEqualTo(graph.content());
    assertThat(Files.size(snapshot.dir().resolve("tokenizer_config.json"))).isZero();
  }

  @Test
  @DisplayName("with no size announced, a leftover the CDN cannot resume (416) is discarded and the file fetched again")
  void rangeNotSatisfiable() throws Exception {
    FakeFile graph = tinyFile(GRAPH);
    hub.withoutHeader("X-Linked-Size");
    leftover(graph.sha256(), Arrays.copyOf(graph.content(), graph.content().length + 5));

    Snapshot snapshot = client().pull(TINY, MODEL);

    assertThat(cdnRanges(graph)).containsExactly("bytes=200005-", null);
    assertThat(Files.readAllBytes(snapshot.dir().resolve(GRAPH))).isEqualTo(graph.content());
  }

  @Test
  @DisplayName("a complete .incomplete left by a crash before the rename becomes the blob without a download")
  void completeLeftover() throws Exception {
    FakeFile graph = tinyFile(GRAPH);
    FakeFile empty = FakeRepo.small("");
    RepoRef ref = serveWith("acme/crashed", "tokenizer_config.json", empty);
    Path blobs = Files.createDirectories(repoDir("acme/crashed").resolve("blobs"));
    Files.write(blobs.resolve(graph.sha256() + ".incomplete"), graph.content());
    Files.write(blobs.resolve(empty.gitSha1() + ".incomplete"), new byte[0]);

    Snapshot snapshot = client().pull(ref, MODEL);

    assertThat(cdnRanges(graph)).isEmpty();
    assertThat(hub.seen()).filteredOn(s -> s.method().equals("GET") && s.path().endsWith("/tokenizer_config.json"))
        .isEmpty();
    assertThat(Files.readAllBytes(snapshot.dir().resolve(GRAPH))).isEqualTo(graph.content());
    assertThat(Files.size(snapshot.dir().resolve("tokenizer_config.json"))).isZero();
  }

  @Test
  @DisplayName("a CDN that ignores Range and sends the whole file again overwrites the leftover instead of appending")
  void rangeIgnored() throws Exception {
    FakeFile graph = tinyFile(GRAPH);
    leftover(graph.sha256(), Arrays.copyOf(graph.content(), 123_456));
    hub.cdn().ignoreRange(graph.sha256());

    Snapshot snapshot = client().pull(TINY, MODEL);

    assertThat(cdnRanges(graph)).containsExactly("bytes=123456-");
    assertThat(Files.readAllBytes(snapshot.dir().resolve(GRAPH))).isEqualTo(graph.content());
  }

  @Test
  @DisplayName("a 206 without a readable Content-Range is not appended: the leftover is discarded and the file fetched whole")
  void partialWithoutContentRange() throws Exception {
    FakeFile graph = tinyFile(GRAPH);
    leftover(graph.sha256(), Arrays.copyOf(graph.content(), 123_456));
    hub.cdn().omitContentRangeOnce(graph.sha256());

    Snapshot snapshot = client().pull(TINY, MODEL);

    assertThat(cdnRanges(graph)).containsExactly("bytes=123456-", null);
    assertThat(Files.readAllBytes(snapshot.dir().resolve(GRAPH))).isEqualTo(graph.content());
  }

  @Test
  @DisplayName("CDN redirects are followed for five hops; a sixth is a PROTOCOL error")
  void cdnRedirects() throws Exception {
    FakeFile graph = tinyFile(GRAPH);
    hub.cdn().redirect(graph.sha256(), 6);
    assertThatThrownBy(() -> client().pull(TINY, MODEL))
        .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.kind()).isEqualTo(Kind.PROTOCOL))
        .hasMessageContaining("more than 5 redirects for onnx/model.onnx");

    hub.cdn().redirect(graph.sha256(), 5);
    Snapshot snapshot = client().pull(TINY, MODEL);

    assertThat(Files.readAllBytes(snapshot.dir().resolve(GRAPH))).isEqualTo(graph.content());
  }

  @Test
  @DisplayName("a CDN 503 is waited out as its Retry-After asks and the download tried again")
  void cdnUnavailable() throws Exception {
    FakeFile graph = tinyFile(GRAPH);
    hub.cdn().unavailableOnce(graph.sha256());

    Snapshot snapshot = client().pull(TINY, MODEL);

    assertThat(waits).containsExactly(Duration.ZERO);
    assertThat(cdnRanges(graph)).hasSize(2);
    assertThat(Files.readAllBytes(snapshot.dir().resolve(GRAPH))).isEqualTo(graph.content());
  }

  @Test
  @DisplayName("a CDN that refuses the download (403) fails at once, without telling a user who set HF_TOKEN to set it")
  void cdnRefuses() {
    FakeFile graph = tinyFile(GRAPH);
    hub.cdn().refuse(graph.sha256(), 403);

    assertThatThrownBy(() -> client(Optional.of("hf_secret"), false).pull(TINY, MODEL))
        .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NETWORK))
        .hasMessageContaining("refused onnx/model.onnx of acme/tiny (HTTP 403)")
        .hasMessageNotContaining("HF_TOKEN");
    assertThatThrownBy(() -> client().pull(TINY, MODEL)).as("without a token: an expired link, not a gated repo")
        .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NETWORK))
        .hasMessageContaining("localhost refused onnx/model.onnx of acme/tiny (HTTP 403): its signed download link "
            + "may have expired; pull again")
        .hasMessageNotContaining("HF_TOKEN").hasMessageNotContaining("gated");
    hub.cdn().refuse(graph.sha256(), 401);
    assertThatThrownBy(() -> client().pull(TINY, MODEL))
        .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NETWORK))
        .hasMessageContaining("refused onnx/model.onnx of acme/tiny (HTTP 401)");
    assertThat(cdnRanges(graph)).hasSize(3);
  }

  @Test
  @DisplayName("a small file the Hub refuses between its HEAD and its GET names the token as the one without access")
  void hubRefusesDownload() {
    hub.failGetWith("/acme/tiny/resolve/" + tinyCommit + "/config.json", 403, "GatedRepo", 1);

    assertThatThrownBy(() -> client(Optional.of("hf_secret"), false).pull(TINY, MODEL))
        .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.kind()).isEqualTo(Kind.GATED_OR_PRIVATE))
        .hasMessageContaining("the token from HF_TOKEN has no access to acme/tiny (HTTP 403)");
  }

  @Test
  @DisplayName("a CDN that stalls mid-file is given up on after the read timeout, naming the timeout")
  void cdnStalls() {
    FakeFile graph = tinyFile(GRAPH);
    hub.holdDownloadUntilHeads(graph.sha256(), 1_000); // never reached: held until the stand-in's 10 s limit

    assertThatThrownBy(() -> client(ProgressListener.silent(), 2, Duration.ofMillis(300)).pull(TINY, MODEL))
        .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NETWORK))
        .hasMessageContaining("downloading onnx/model.onnx of acme/tiny failed after 2 tries: "
            + "SocketTimeoutException: Read timed out");
  }

  private void leftover(String etag, byte[] bytes) throws Exception {
    Path blobs = Files.createDirectories(repoDir("acme/tiny").resolve("blobs"));
    Files.write(blobs.resolve(etag + ".incomplete"), bytes);
  }
}
