package io.inferencegraph.hub;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The Hub's URL scheme: the model API and the resolve endpoint, with revisions and paths percent-encoded. */
final class HubUrls {
  private HubUrls() {}

  /** GET: {"sha": commit, "siblings": [{"rfilename": path}, ...]} for a branch, tag or commit. */
  static URI revisionInfo(URI endpoint, String repo, String revision) {
    return URI.create(endpoint + "/api/models/" + repo + "/revision/" + encode(revision));
  }

  /** HEAD for a file's metadata, GET for its bytes (small files) or a redirect to them (LFS files). */
  static URI resolve(URI endpoint, String repo, String revision, String path) {
    String encodedPath = Arrays.stream(path.split("/")).map(HubUrls::encode).collect(Collectors.joining("/"));
    return URI.create(endpoint + "/" + repo + "/resolve/" + encode(revision) + "/" + encodedPath);
  }

  private static String encode(String part) {
    return URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
