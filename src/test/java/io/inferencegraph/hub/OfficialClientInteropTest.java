package io.inferencegraph.hub;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cache is shared with the official Python client (huggingface_hub): what Java pulls, it finds, offline and
 * online, and what it downloads, Java finds. Skipped without huggingface_hub unless REQUIRE_HF_HUB=1.
 */
class OfficialClientInteropTest extends HubFixture {
  @TempDir
  Path hfHome;

  @BeforeAll
  static void needsHuggingfaceHub() throws Exception {
    boolean importable;
    try {
      Process probe = new ProcessBuilder("python3", "-c", "import huggingface_hub").redirectErrorStream(true).start();
      importable = probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0;
    } catch (IOException e) {
      importable = false;
    }
    if (!importable && "1".equals(System.getenv("REQUIRE_HF_HUB"))) {
      throw new AssertionError("REQUIRE_HF_HUB=1 but `python3 -c 'import huggingface_hub'` fails: pip install huggingface_hub");
    }
    Assumptions.assumeTrue(importable, "python3 with huggingface_hub is not installed");
  }

  @Test
  @DisplayName("huggingface_hub finds a Java pull with local_files_only, and online serves it from the cache after HEADs only")
  void officialClientReadsJavaPull() throws Exception {
    Snapshot snapshot = client().pull(TINY, MODEL);
    hub.forget();

    JsonObject offline = python("""
        from huggingface_hub import hf_hub_download, snapshot_download
        out["config"] = hf_hub_download("acme/tiny", "config.json", local_files_only=True)
        out["graph"] = hf_hub_download("acme/tiny", "onnx/model.onnx", local_files_only=True)
        out["by_commit"] = hf_hub_download("acme/tiny", "onnx/model.onnx_data", revision=COMMIT, local_files_only=True)
        out["snapshot"] = snapshot_download("acme/tiny", local_files_only=True)
        """);
    assertThat(hub.seen()).isEmpty();
    assertThat(path(offline, "config")).isEqualTo(snapshot.dir().resolve("config.json"));
    assertThat(path(offline, "graph")).isEqualTo(snapshot.dir().resolve("onnx/model.onnx"));
    assertThat(path(offline, "by_commit")).isEqualTo(snapshot.dir().resolve("onnx/model.onnx_data"));
    assertThat(path(offline, "snapshot")).isEqualTo(snapshot.dir());

    JsonObject online = python("""
        from huggingface_hub import hf_hub_download
        out["config"] = hf_hub_download("acme/tiny", "config.json")
        out["graph"] = hf_hub_download("acme/tiny", "onnx/model.onnx")
        """);
    assertThat(path(online, "config")).isEqualTo(snapshot.dir().resolve("config.json"));
    assertThat(path(online, "graph")).isEqualTo(snapshot.dir().resolve("onnx/model.onnx"));
    assertThat(hub.seen()).isNotEmpty().allSatisfy(seen -> assertThat(seen.method()).isEqualTo("HEAD"));
  }

  @Test
  @DisplayName("files huggingface_hub downloads from the stand-in are a snapshot Java finds offline")
  void javaReadsOfficialDownload() throws Exception {
    python("""
        from huggingface_hub import hf_hub_download
        for name in ["config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model.onnx", "onnx/model.onnx_data"]:
            out[name] = hf_hub_download("acme/tiny", name)
        """);
    assertThat(hub.seen()).filteredOn(s -> s.server().equals("cdn") && s.method().equals("GET")).hasSize(2);
    hub.forget();

    Snapshot found = client(java.util.Optional.empty(), true).pull(TINY, MODEL);

    assertThat(found.commit()).isEqualTo(tinyCommit);
    assertThat(found.files()).contains("onnx/model.onnx", "onnx/model.onnx_data");
    assertThat(Files.readAllBytes(found.dir().resolve("onnx/model.onnx"))).isEqualTo(tinyFile("onnx/model.onnx").content());
    assertThat(hub.seen()).isEmpty();
  }

  /** Runs a snippet that fills the dict {@code out}; returns it as JSON. */
  private JsonObject python(String body) throws Exception {
    String script = "import json\nCOMMIT = \"" + tinyCommit + "\"\nout = {}\n" + body + "print(json.dumps(out))\n";
    Path stderr = hfHome.resolve("stderr.txt");
    ProcessBuilder builder = new ProcessBuilder(List.of("python3", "-c", script)).redirectError(stderr.toFile());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(name -> name.startsWith("HF_") || name.endsWith("_PROXY") || name.endsWith("_proxy"));
    env.putAll(Map.of("HF_HUB_CACHE", cache.toString(), "HF_HOME", hfHome.toString(),
        "HF_ENDPOINT", hub.endpoint().toString(), "HF_HUB_DISABLE_TELEMETRY", "1",
        "HF_HUB_DISABLE_PROGRESS_BARS", "1", "HF_HUB_DISABLE_XET", "1"));
    Process process = builder.start();
    String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    boolean exited = process.waitFor(120, TimeUnit.SECONDS);
    if (!exited) {
      process.destroyForcibly();
    }
    assertThat(exited && process.exitValue() == 0)
        .as("python3 failed:%n%s%n%s", stdout, Files.readString(stderr)).isTrue();
    String[] lines = stdout.strip().split("\n");
    return JsonParser.parseString(lines[lines.length - 1]).getAsJsonObject();
  }

  private static Path path(JsonObject out, String key) {
    return Path.of(out.get(key).getAsString());
  }
}
