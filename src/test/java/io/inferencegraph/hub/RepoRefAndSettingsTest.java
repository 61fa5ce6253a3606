package io.inferencegraph.hub;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Parsing "ORG/NAME[@REVISION]" and the HF_* variables. */
class RepoRefAndSettingsTest {

  @Test
  @DisplayName("a repo reference defaults to main, keeps a branch, tag or commit, and prints back as parsed")
  void parsesReferences() {
    assertThat(RepoRef.parse("openai-community/gpt2")).isEqualTo(new RepoRef("openai-community/gpt2", "main"));
    assertThat(RepoRef.parse("Xenova/distilgpt2@v1.0").revision()).isEqualTo("v1.0");
    assertThat(RepoRef.parse("a/b@refs/pr/1").revision()).isEqualTo("refs/pr/1");
    RepoRef commit = RepoRef.parse("a/b@" + "0123456789abcdef0123456789abcdef01234567");
    assertThat(commit.isCommit()).isTrue();
    assertThat(RepoRef.parse("a/b").isCommit()).isFalse();
    assertThat(RepoRef.parse("a/b").toString()).isEqualTo("a/b");
    assertThat(RepoRef.parse("a/b@dev").toString()).isEqualTo("a/b@dev");
  }

  @Test
  @DisplayName("a bad repo reference is rejected with a message naming the problem")
  void rejectsBadReferences() {
    assertThatThrownBy(() -> RepoRef.parse("gpt2")).hasMessageContaining("expected ORG/NAME[@REVISION]");
    assertThatThrownBy(() -> RepoRef.parse("a/b/c")).hasMessageContaining("expected ORG/NAME[@REVISION]");
    assertThatThrownBy(() -> RepoRef.parse("a/b@")).hasMessageContaining("the revision after '@' is empty");
    assertThatThrownBy(() -> RepoRef.parse("a--x/b")).hasMessageContaining("'a--x'");
    assertThatThrownBy(() -> RepoRef.parse("a/../b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RepoRef.parse("a/b@../../etc")).hasMessageContaining("is not a revision");
    assertThatThrownBy(() -> RepoRef.parse(" ")).hasMessageContaining("a model repository is required");
    assertThatThrownBy(() -> RepoRef.parse("@v1")).hasMessageStartingWith("'' is not a model repository");
  }

  @Test
  @DisplayName("settings default to huggingface.co and ~/.cache/huggingface/hub, online, without a token")
  void defaults() {
    HubSettings settings = HubSettings.fromEnvironment(Map.of());
    assertThat(settings.endpoint()).isEqualTo(URI.create("https://huggingface.co"));
    assertThat(settings.token()).isEmpty();
    assertThat(settings.cacheDir()).isEqualTo(Path.of(System.getProperty("user.home"), ".cache/huggingface/hub"));
    assertThat(settings.offline()).isFalse();
  }

  @Test
  @DisplayName("HF_HUB_CACHE wins over HF_HOME, HF_ENDPOINT and HF_TOKEN are taken, HF_HUB_OFFLINE reads 1/true/yes/on")
  void fromVariables() {
    HubSettings home = HubSettings.fromEnvironment(Map.of("HF_HOME", "/data/hf", "HF_ENDPOINT", "http://mirror:8080/",
        "HF_TOKEN", "hf_x", "HF_HUB_OFFLINE", "1"));
    assertThat(home.cacheDir()).isEqualTo(Path.of("/data/hf/hub"));
    assertThat(home.endpoint()).isEqualTo(URI.create("http://mirror:8080"));
    assertThat(home.token()).contains("hf_x");
    assertThat(home.offline()).isTrue();
    HubSettings cache = HubSettings.fromEnvironment(Map.of("HF_HOME", "/data/hf", "HF_HUB_CACHE", "/cache",
        "HF_HUB_OFFLINE", "TRUE", "HF_TOKEN", " "));
    assertThat(cache.cacheDir()).isEqualTo(Path.of("/cache"));
    assertThat(cache.offline()).isTrue();
    assertThat(cache.token()).isEqualTo(Optional.empty());
    assertThat(HubSettings.fromEnvironment(Map.of("HF_HUB_OFFLINE", "0")).offline()).isFalse();
    assertThat(HubSettings.fromEnvironment(Map.of("HF_HOME", "~/hf")).cacheDir())
        .isEqualTo(Path.of(System.getProperty("user.home"), "hf", "hub"));
  }

  @Test
  @DisplayName("an HF_ENDPOINT that is not an http(s) URL is rejected naming the variable")
  void badEndpoint() {
    assertThatThrownBy(() -> HubSettings.fromEnvironment(Map.of("HF_ENDPOINT", "ftp://x")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("HF_ENDPOINT 'ftp://x'");
    assertThatThrownBy(() -> HubSettings.fromEnvironment(Map.of("HF_ENDPOINT", "not a url")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("HF_ENDPOINT");
  }
}
