package io.inferencegraph.hub;

import io.inferencegraph.hub.HubException.Kind;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the user reads when the Hub says no. */
class HubErrorsTest extends HubFixture {

  @Test
  @DisplayName("a gated repo without a token asks for HF_TOKEN, a wrong token is named as such, the right one pulls")
  void gated() {
    FakeRepo gated = new FakeRepo("acme/gated").gatedBy("hf_right");
    gated.commit("main", HubFixture.tinyFiles());
    hub.serve(gated);
    RepoRef ref = RepoRef.parse("acme/gated");

    fails(() -> client().pull(ref, MODEL), Kind.GATED_OR_PRIVATE,
        "acme/gated is gated or private (HTTP 401): set HF_TOKEN to a token that has access");
    fails(() -> client(Optional.of("hf_wrong"), false).pull(ref, MODEL), Kind.GATED_OR_PRIVATE,
        "the token from HF_TOKEN has no access to acme/gated (HTTP 403)");
    assertThat(client(Optional.of("hf_right"), false).pull(ref, MODEL).files()).contains("onnx/model.onnx");
  }

  @Test
  @DisplayName("a token from the token file that has no access is named by that file, not as HF_TOKEN")
  void tokenFromFile() {
    FakeRepo gated = new FakeRepo("acme/gated").gatedBy("hf_right");
    gated.commit("main", HubFixture.tinyFiles());
    hub.serve(gated);
    HubSettings settings = new HubSettings(hub.endpoint(), Optional.of("hf_wrong"), cache, false, "/home/u/hf/token");

    fails(() -> new HubClient(settings, ProgressListener.silent()).pull(RepoRef.parse("acme/gated"), MODEL),
        Kind.GATED_OR_PRIVATE, "the token from /home/u/hf/token has no access to acme/gated (HTTP 403)");
  }

  @Test
  @DisplayName("a missing repo is named as missing (404), or as missing or private when no token was sent (401)")
  void missingRepo() {
    RepoRef ref = RepoRef.parse("acme/nothing");
    fails(() -> client(Optional.of("hf_any"), false).pull(ref, MODEL), Kind.REPO_NOT_FOUND,
        "model repository acme/nothing was not found on the Hub");
    fails(() -> client().pull(ref, MODEL), Kind.GATED_OR_PRIVATE,
        "acme/nothing does not exist, or it is gated or private (HTTP 401)");
  }

  @Test
  @DisplayName("a missing revision is named as a missing branch, tag or commit")
  void missingRevision() {
    fails(() -> client().pull(RepoRef.parse("acme/tiny@no-such-branch"), MODEL), Kind.REVISION_NOT_FOUND,
        "acme/tiny has no revision 'no-such-branch' (no such branch, tag or commit)");
  }

  @Test
  @DisplayName("a file the Hub lists but cannot serve (404 EntryNotFound) is named with its path")
  void missingFile() {
    tiny.phantoms.add("onnx/decoder_model_merged.onnx");
    FileSelector merged = FileSelector.forOnnxModel(java.util.List.of("decoder_model_merged"), "", null);

    fails(() -> client().pull(TINY, merged), Kind.ENTRY_NOT_FOUND,
        "acme/tiny has no file onnx/decoder_model_merged.onnx");
  }

  @Test
  @DisplayName("a repo without the wanted graph names what it looked for and the ONNX files the repo has")
  void noSuchGraph() {
    FileSelector fp16 = FileSelector.forOnnxModel(GRAPHS, "fp16", null);

    fails(() -> client().pull(TINY, fp16), Kind.ENTRY_NOT_FOUND,
        "acme/tiny: no ONNX graph named [model_fp16.onnx, decoder_model_merged_fp16.onnx, "
            + "decoder_with_past_model_fp16.onnx, decoder_model_fp16.onnx] in onnx/ or at the root; "
            + "the repo's ONNX files are: onnx/model.onnx, onnx/model_quantized.onnx");
    assertThat(hub.seen()).hasSize(1); // the listing alone: nothing is fetched for a selection that cannot work
  }

  private static void fails(ThrowingCallable call, Kind kind, String message) {
    assertThatThrownBy(call).isInstanceOfSatisfying(HubException.class, e -> assertThat(e.kind()).isEqualTo(kind))
        .hasMessageContaining(message);
  }
}
