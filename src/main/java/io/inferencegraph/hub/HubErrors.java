package io.inferencegraph.hub;

import io.inferencegraph.hub.HubException.Kind;
import java.util.Optional;

/** Turns the Hub's error answers (status plus X-Error-Code) into HubExceptions a CLI user can act on. */
final class HubErrors {
  private HubErrors() {}

  /**
   * @param path the repo file asked for, or null for the listing
   * @param tokenSource where the token sent with the request came from; empty when none was sent
   */
  static HubException of(Transport.Response response, RepoRef ref, String path, Optional<String> tokenSource) {
    boolean tokenSent = tokenSource.isPresent();
    int status = response.status();
    Optional<String> code = response.header("X-Error-Code");
    if (status == 401 && !tokenSent && code.filter("RepoNotFound"::equals).isPresent()) {
      // the Hub answers so for missing repos too, so as not to reveal which private repos exist
      return new HubException(Kind.GATED_OR_PRIVATE, ref.repo() + " does not exist, or it is gated or private (HTTP "
          + status + "): check the name, or set HF_TOKEN to a token that has access (or run `hf auth login`)");
    }
    if (status == 401 || status == 403 || code.filter("GatedRepo"::equals).isPresent()) {
      return tokenSent
          ? new HubException(Kind.GATED_OR_PRIVATE, "the token from " + tokenSource.get() + " has no access to " + ref.repo()
              + " (HTTP " + status + "): request access on the Hub or use another token")
          : new HubException(Kind.GATED_OR_PRIVATE, ref.repo() + " is gated or private (HTTP " + status
              + "): set HF_TOKEN to a token that has access, or run `hf auth login`");
    }
    if (status == 404) {
      return notFound(code.orElse(path == null ? "RepoNotFound" : "EntryNotFound"), ref, path);
    }
    return new HubException(Kind.PROTOCOL, "unexpected HTTP " + status + " from " + response.uri()
        + code.map(c -> " (" + c + ")").orElse(""));
  }

  private static HubException notFound(String code, RepoRef ref, String path) {
    return switch (code) {
      case "RevisionNotFound" -> new HubException(Kind.REVISION_NOT_FOUND,
          ref.repo() + " has no revision '" + ref.revision() + "' (no such branch, tag or commit)");
      case "EntryNotFound" -> new HubException(Kind.ENTRY_NOT_FOUND,
          ref + " has no file " + (path == null ? "at that path" : path));
      default -> new HubException(Kind.REPO_NOT_FOUND, "model repository " + ref.repo() + " was not found on the Hub");
    };
  }
}
