package io.inferencegraph.hub;

import io.inferencegraph.api.GenerationParams;
import io.inferencegraph.api.Params;
import io.inferencegraph.hub.FakeRepo.FakeFile;
import io.inferencegraph.model.Decoding;
import io.inferencegraph.model.generate.Generation;
import io.inferencegraph.model.generate.TextGenerator;
import io.inferencegraph.model.load.ModelOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pulls against the stand-in Hub: the cache layout, revisions, offline use, concurrent pulls, a real model. */
class HubPullTest extends HubFixture {

  @Test
  @DisplayName("a pull lays out blobs named by sha256 (LFS) or git sha1, relative symlinks, and refs/main")
  void layout() throws Exception {
    Snapshot snapshot = client().pull(TINY, MODEL);

    Path repo = repoDir("acme/tiny");
    assertThat(snapshot.commit()).isEqualTo(tinyCommit);
    assertThat(snapshot.dir()).isEqualTo(repo.resolve("snapshots").resolve(tinyCommit));
    assertThat(snapshot.files()).containsExactly("config.json", "tokenizer.json", "tokenizer_config.json",
        "onnx/model.onnx", "onnx/model.onnx_data");
    assertThat(snapshot.bytes()).isEqualTo(snapshot.files().stream().mapToLong(p -> tinyFile(p).content().length).sum());
    assertThat(Files.readString(repo.resolve("refs/main"))).isEqualTo(tinyCommit);
    for (String path : snapshot.files()) {
      FakeFile file = tinyFile(path);
      String etag = file.lfs() ? file.sha256() : file.gitSha1();
      Path pointer = snapshot.dir().resolve(path);
      String up = "../".repeat(path.split("/").length + 1);
      assertThat(Files.isSymbolicLink(pointer)).as(path).isTrue();
      assertThat(Files.readSymbolicLink(pointer).toString()).as(path).isEqualTo(up + "blobs/" + etag);
      assertThat(Files.readAllBytes(pointer)).as(path).isEqualTo(file.content());
    }
    try (Stream<Path> blobs = Files.list(repo.resolve("blobs"))) {
      assertThat(blobs.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrderElementsOf(snapshot.files().stream().map(p -> tinyFile(p).etag()).toList());
    }
    assertThat(Files.exists(snapshot.dir().resolve("README.md"))).isFalse();
    assertThat(cache.resolve(".locks/models--acme--tiny")).isDirectory();
  }

  @Test
  @DisplayName("a second pull of a cached snapshot asks only for the listing and downloads nothing")
  void secondPullDownloadsNothing() {
    client().pull(TINY, MODEL);
    hub.forget();

    Snapshot again = client().pull(TINY, MODEL);

    assertThat(again.commit()).isEqualTo(tinyCommit);
    assertThat(hub.seen()).extracting(HubStandIn.Seen::path).containsExactly("/api/models/acme/tiny/revision/main");
  }

  @Test
  @DisplayName("a branch and a tag are recorded under refs/, a commit revision is not, and each gets its own snapshot")
  void revisions() throws Exception {
    FakeRepo versions = new FakeRepo("acme/versions");
    Map<String, FakeFile> old = HubFixture.tinyFiles();
    old.put("config.json", FakeRepo.small("{\"v\": 0}"));
    String v0 = versions.commit("v1.0", old);
    String v1 = versions.commit("main", HubFixture.tinyFiles());
    hub.serve(versions);
    HubClient client = client();

    Snapshot main = client.pull(RepoRef.parse("acme/versions"), MODEL);
    Snapshot tag = client.pull(RepoRef.parse("acme/versions@v1.0"), MODEL);
    Snapshot commit = client.pull(RepoRef.parse("acme/versions@" + v0), MODEL);

    Path refs = repoDir("acme/versions").resolve("refs");
    assertThat(main.commit()).isEqualTo(v1);
    assertThat(tag.commit()).isEqualTo(v0);
    assertThat(commit.dir()).isEqualTo(tag.dir());
    assertThat(Files.readString(refs.resolve("main"))).isEqualTo(v1);
    assertThat(Files.readString(refs.resolve("v1.0"))).isEqualTo(v0);
    try (Stream<Path> written = Files.list(refs)) {
      assertThat(written.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("main", "v1.0");
    }
    assertThat(Files.readString(tag.dir().resolve("config.json"))).isEqualTo("{\"v\": 0}");
    assertThat(Files.readString(main.dir().resolve("config.json"))).isEqualTo("{\"model_type\": \"gpt2\"}");
  }

  @Test
  @DisplayName("offline, a cached snapshot is found without a single request to the Hub")
  void offlineHit() {
    Snapshot online = client().pull(TINY, MODEL);
    hub.forget();

    Snapshot offline = client(Optional.empty(), true).pull(TINY, MODEL);
    Optional<Snapshot> byCommit = client().cached(RepoRef.parse("acme/tiny@" + tinyCommit), MODEL);

    assertThat(offline).isEqualTo(online);
    assertThat(byCommit).map(Snapshot::dir).contains(online.dir());
    assertThat(hub.seen()).isEmpty();
  }

  @Test
  @DisplayName("offline, a repo not in the cache fails with OFFLINE_MISS naming the pull to run, and sends nothing")
  void offlineMiss() {
    assertThatThrownBy(() -> client(Optional.empty(), true).pull(TINY, MODEL))
        .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.kind()).isEqualTo(HubException.Kind.OFFLINE_MISS))
        .hasMessageContaining("acme/tiny is not in the Hub cache")
        .hasMessageContaining("run `models pull acme/tiny` without HF_HUB_OFFLINE");
    assertThat(client().cached(TINY, MODEL)).isEmpty();
    assertThat(hub.seen()).isEmpty();
  }

  @Test
  @DisplayName("cached() is empty when a selected file is missing from the snapshot")
  void cachedNeedsEverySelectedFile() throws Exception {
    Snapshot snapshot = client().pull(TINY, MODEL);
    Files.delete(snapshot.dir().resolve("tokenizer.json"));

    assertThat(client().cached(TINY, MODEL)).isEmpty();
    assertThat(client().cached(TINY, FileSelector.forOnnxModel(GRAPHS, "quantized", null))).isEmpty();
  }

  @Test
  @DisplayName("two concurrent pulls of the same repo download each blob exactly once")
  void concurrentPulls() throws Exception {
    FakeFile graph = tinyFile("onnx/model.onnx");
    // the graph's download waits until both pulls have asked for its metadata, so they really contend for it
    hub.holdDownloadUntilHeads(graph.sha256(), 2);

    CompletableFuture<Snapshot> first = CompletableFuture.supplyAsync(() -> client().pull(TINY, MODEL));
    CompletableFuture<Snapshot> second = CompletableFuture.supplyAsync(() -> client().pull(TINY, MODEL));

    Snapshot a = first.get(60, TimeUnit.SECONDS);
    Snapshot b = second.get(60, TimeUnit.SECONDS);
    assertThat(a).isEqualTo(b);
    assertThat(hub.seen()).filteredOn(s -> s.method().equals("HEAD") && s.path().endsWith("/onnx/model.onnx")).hasSize(2);
    for (String path : a.files()) {
      assertThat(contentGets("acme/tiny", path, tinyFile(path))).as(path).isEqualTo(1);
      assertThat(Files.readAllBytes(a.dir().resolve(path))).isEqualTo(tinyFile(path).content());
    }
  }

  @Test
  @DisplayName("a real model pulled through the stand-in loads and generates from its snapshot")
  void realModel() throws Exception {
    FakeRepo gpt2 = new FakeRepo("acme/gpt2-tiny");
    gpt2.commit("main", FakeRepo.filesOf(Path.of("models/gpt2-tiny")));
    hub.serve(gpt2);

    Snapshot snapshot = client().pull(RepoRef.parse("acme/gpt2-tiny"), MODEL);

    assertThat(snapshot.files()).containsExactly("config.json", "tokenizer.json", "generation_config.json",
        "tokenizer_config.json", "onnx/model.onnx");
    try (TextGenerator generator = TextGenerator.load(snapshot.dir(), ModelOptions.defaults())) {
      assertThat(generator.describe()).contains("model.onnx");
      GenerationParams greedy = Params.of("max_new_tokens", 4, "do_sample", false);
      Generation generated = Decoding.generate(generator, List.of("the license"), greedy).get(0).get(0);
      assertThat(generated.generatedText()).startsWith("the license");
      assertThat(generated.newTokens()).isBetween(1, 4);
    }
  }
}
