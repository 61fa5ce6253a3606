package io.inferencegraph.hub;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every place huggingface_hub looks for the cache, the token and offline mode, in its order of precedence. */
class HfEnvironmentTest {
  @TempDir
  Path dir;

  private static Path cache(Map<String, String> env) {
    return HubSettings.fromEnvironment(env).cacheDir();
  }

  @Test
  @DisplayName("the cache: HF_HUB_CACHE, then HUGGINGFACE_HUB_CACHE, then HF_HOME/hub, then XDG_CACHE_HOME, then HOME")
  void cachePrecedence() {
    Map<String, String> all = Map.of("HF_HUB_CACHE", "/a", "HUGGINGFACE_HUB_CACHE", "/b", "HF_HOME", "/c",
        "XDG_CACHE_HOME", "/d", "HOME", "/e");
    assertThat(cache(all)).isEqualTo(Path.of("/a"));
    assertThat(cache(without(all, "HF_HUB_CACHE"))).isEqualTo(Path.of("/b"));
    assertThat(cache(without(all, "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE"))).isEqualTo(Path.of("/c/hub"));
    assertThat(cache(Map.of("XDG_CACHE_HOME", "/d", "HOME", "/e"))).isEqualTo(Path.of("/d/huggingface/hub"));
    assertThat(cache(Map.of("HOME", "/e"))).isEqualTo(Path.of("/e/.cache/huggingface/hub"));
    assertThat(cache(Map.of("HF_HUB_CACHE", "", "HF_HOME", "/c"))).as("empty is unset").isEqualTo(Path.of("/c/hub"));
  }

  @Test
  @DisplayName("paths get ~ and then $VAR / ${VAR} expanded from the same environment; unknown variables stay")
  void expansion() {
    Map<String, String> env = Map.of("HOME", "/home/u", "DATA", "/mnt/data", "HF_HUB_CACHE", "$DATA/hf/${WHO}/hub",
        "WHO", "me");
    assertThat(cache(env)).isEqualTo(Path.of("/mnt/data/hf/me/hub"));
    assertThat(cache(Map.of("HOME", "/home/u", "HUGGINGFACE_HUB_CACHE", "~/legacy"))).isEqualTo(Path.of("/home/u/legacy"));
    assertThat(cache(Map.of("HOME", "/home/u", "HF_HOME", "~"))).isEqualTo(Path.of("/home/u/hub"));
    assertThat(cache(Map.of("HOME", "/home/u", "XDG_CACHE_HOME", "$HOME/xdg"))).isEqualTo(Path.of("/home/u/xdg/huggingface/hub"));
    assertThat(cache(Map.of("HF_HUB_CACHE", "/x/$NOPE/${ALSO_NOPE}"))).isEqualTo(Path.of("/x/$NOPE/${ALSO_NOPE}"));
    assertThat(cache(Map.of("HOME", "/home/u", "HF_HUB_CACHE", "/x/~/y"))).as("~ only at the start")
        .isEqualTo(Path.of("/x/~/y"));
  }

  @Test
  @DisplayName("the token: HF_TOKEN, then HUGGING_FACE_HUB_TOKEN, then the token file at HF_TOKEN_PATH or HF_HOME/token")
  void tokenPrecedence() throws Exception {
    Path home = Files.createDirectories(dir.resolve("hf"));
    Files.writeString(home.resolve("token"), "hf_from_file\n");
    Path elsewhere = Files.writeString(dir.resolve("other-token"), "  hf_from_path\r\n");
    Map<String, String> all = Map.of("HF_TOKEN", "hf_env", "HUGGING_FACE_HUB_TOKEN", "hf_legacy",
        "HF_HOME", home.toString(), "HF_TOKEN_PATH", elsewhere.toString());

    assertThat(token(all)).isEqualTo(Optional.of("hf_env HF_TOKEN"));
    assertThat(token(without(all, "HF_TOKEN"))).contains("hf_legacy HUGGING_FACE_HUB_TOKEN");
    assertThat(token(Map.of("HF_TOKEN", "", "HUGGING_FACE_HUB_TOKEN", "hf_legacy"))).as("empty is unset")
        .contains("hf_legacy HUGGING_FACE_HUB_TOKEN");
    assertThat(token(without(all, "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"))).contains("hf_from_path " + elsewhere);
    assertThat(token(Map.of("HF_HOME", home.toString()))).contains("hf_from_file " + home.resolve("token"));
    assertThat(token(Map.of("HF_TOKEN", " \n ", "HF_HOME", home.toString()))).as("a blank variable falls to the file")
        .contains("hf_from_file " + home.resolve("token"));
    assertThat(token(Map.of("HOME", dir.toString(), "XDG_CACHE_HOME", dir.resolve("nothing").toString()))).isEmpty();
  }

  @Test
  @DisplayName("a token file that is a directory fails naming it; a blank one is no token")
  void badTokenFile() throws Exception {
    Path blank = Files.writeString(dir.resolve("blank"), " \n");
    assertThat(token(Map.of("HF_TOKEN_PATH", blank.toString()))).isEmpty();
    assertThatThrownBy(() -> HubSettings.fromEnvironment(Map.of("HF_TOKEN_PATH", dir.toString())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the token file " + dir);
  }

  @Test
  @DisplayName("offline: HF_HUB_OFFLINE if set, else TRANSFORMERS_OFFLINE; 1, ON, YES, TRUE in any case are true")
  void offline() {
    for (String yes : new String[] {"1", "on", "Yes", "TRUE"}) {
      assertThat(offline(Map.of("HF_HUB_OFFLINE", yes))).as(yes).isTrue();
      assertThat(offline(Map.of("TRANSFORMERS_OFFLINE", yes))).as(yes).isTrue();
    }
    assertThat(offline(Map.of("HF_HUB_OFFLINE", "0", "TRANSFORMERS_OFFLINE", "1"))).as("the first one set decides")
        .isFalse();
    assertThat(offline(Map.of("HF_HUB_OFFLINE", "", "TRANSFORMERS_OFFLINE", "1"))).isTrue();
    assertThat(offline(Map.of("HF_HUB_OFFLINE", " 1"))).as("no stripping, as huggingface_hub").isFalse();
    assertThat(offline(Map.of("HF_HUB_OFFLINE", "2"))).isFalse();
    assertThat(offline(Map.of())).isFalse();
  }

  private static boolean offline(Map<String, String> env) {
    return HubSettings.fromEnvironment(env).offline();
  }

  private static Optional<String> token(Map<String, String> env) {
    HubSettings settings = HubSettings.fromEnvironment(env);
    return settings.token().map(t -> t + " " + settings.tokenSource());
  }

  private static Map<String, String> without(Map<String, String> env, String... names) {
    Map<String, String> copy = new java.util.HashMap<>(env);
    for (String name : names) {
      copy.remove(name);
    }
    return copy;
  }
}
