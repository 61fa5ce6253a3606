package io.inferencegraph.hub;

import io.inferencegraph.hub.FakeRepo.FakeFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import static io.inferencegraph.hub.FakeRepo.lfs;
import static io.inferencegraph.hub.FakeRepo.small;

/** A stand-in Hub serving "acme/tiny", an empty cache, and clients whose retry waits are recorded, not slept. */
abstract class HubFixture {
  static final List<String> GRAPHS = List.of("model", "decoder_model_merged", "decoder_with_past_model", "decoder_model");
  static final FileSelector MODEL = FileSelector.forOnnxModel(GRAPHS, "", null);
  static final RepoRef TINY = RepoRef.parse("acme/tiny");

  @TempDir
  Path cache;
  HubStandIn hub;
  FakeRepo tiny;
  String tinyCommit;
  final List<Duration> waits = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startHub() throws Exception {
    hub = new HubStandIn();
    tiny = new FakeRepo("acme/tiny");
    tinyCommit = tiny.commit("main", tinyFiles());
    hub.serve(tiny);
  }

  @AfterEach
  void stopHub() throws Exception {
    hub.close();
  }

  /** Small JSON files, an LFS graph with external data, and files the selection leaves out. */
  static Map<String, FakeFile> tinyFiles() {
    Map<String, FakeFile> files = new LinkedHashMap<>();
    files.put("README.md", small("# tiny\n"));
    files.put("config.json", small("{\"model_type\": \"gpt2\"}"));
    files.put("tokenizer.json", small("{\"model\": {\"vocab\": {}}}"));
    files.put("tokenizer_config.json", small("{}"));
    files.put("onnx/model.onnx", lfs(FakeRepo.randomBytes(200_000, 1)));
    files.put("onnx/model.onnx_data", lfs(FakeRepo.randomBytes(120_000, 2)));
    files.put("onnx/model_quantized.onnx", lfs(FakeRepo.randomBytes(50_000, 3)));
    return files;
  }

  FakeFile tinyFile(String path) {
    return tiny.commits.get(tinyCommit).get(path);
  }

  HubClient client() {
    return client(Optional.empty(), false);
  }

  HubClient client(Optional<String> token, boolean offline) {
    HubSettings settings = new HubSettings(hub.endpoint(), token, cache, offline);
    return new HubClient(settings, ProgressListener.silent(),
        new Retry.Policy(4, Duration.ofMillis(100), Duration.ofSeconds(30), waits::add), Duration.ofSeconds(10));
  }

  HubClient client(ProgressListener progress) {
    return client(progress, 4, Duration.ofSeconds(10));
  }

  /** A client that tries {@code attempts} times and gives up on a read after {@code readTimeout}. */
  HubClient client(ProgressListener progress, int attempts, Duration readTimeout) {
    HubSettings settings = new HubSettings(hub.endpoint(), Optional.empty(), cache, false);
    return new HubClient(settings, progress,
        new Retry.Policy(attempts, Duration.ofMillis(100), Duration.ofSeconds(30), waits::add), readTimeout);
  }

  /** Serves a copy of tiny's files as {@code repo}, with {@code path} replaced by {@code file}. */
  RepoRef serveWith(String repo, String path, FakeFile file) {
    FakeRepo fake = new FakeRepo(repo);
    Map<String, FakeFile> files = tinyFiles();
    files.put(path, file);
    fake.commit("main", files);
    hub.serve(fake);
    return RepoRef.parse(repo);
  }

  /** What the CDN was asked for this blob: the Range header of each GET, null for a whole file. */
  List<String> cdnRanges(FakeFile file) {
    return hub.seen().stream().filter(s -> s.server().equals("cdn") && s.method().equals("GET"))
        .filter(s -> s.path().endsWith("/" + file.sha256())).map(HubStandIn.Seen::range).toList();
  }

  Path repoDir(String repo) {
    return cache.resolve("models--" + repo.replace("/", "--"));
  }

  /** GETs that carried file content for this blob, from the Hub (small files) or the CDN (LFS files). */
  long contentGets(String repo, String path, FakeFile file) {
    return hub.seen().stream().filter(s -> s.method().equals("GET"))
        .filter(s -> file.lfs() ? s.server().equals("cdn") && s.path().endsWith("/" + file.sha256())
            : s.server().equals("hub") && s.path().startsWith("/" + repo + "/resolve/") && s.path().endsWith("/" + path))
        .count();
  }
}
