package io.inferencegraph.hub;

import java.util.regex.Pattern;

/** A model repository on the Hub and a revision of it: "ORG/NAME[@REVISION]", revision "main" by default. */
public record RepoRef(String repo, String revision) {
  public static final String DEFAULT_REVISION = "main";
  private static final Pattern NAME_PART = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,95}");
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

  public RepoRef {
    checkRepo(repo);
    checkRevision(revision);
  }

  /** Parses "ORG/NAME" or "ORG/NAME@REVISION". */
  public static RepoRef parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("a model repository is required, as ORG/NAME[@REVISION]");
    }
    int at = text.indexOf('@');
    if (at < 0) {
      return new RepoRef(text.strip(), DEFAULT_REVISION);
    }
    return new RepoRef(text.substring(0, at).strip(), text.substring(at + 1).strip());
  }

  /** Whether the revision is already a full commit hash, which needs no ref in the cache. */
  public boolean isCommit() {
    return COMMIT.matcher(revision).matches();
  }

  @Override
  public String toString() {
    return DEFAULT_REVISION.equals(revision) ? repo : repo + "@" + revision;
  }

  private static void checkRepo(String repo) {
    String[] parts = repo == null ? new String[0] : repo.split("/", -1);
    if (parts.length != 2) {
      throw new IllegalArgumentException("'" + repo + "' is not a model repository: expected ORG/NAME[@REVISION]");
    }
    for (String part : parts) {
      // "--" separates org and name in cache folder names, so the Hub forbids it, as it does ".."
      if (!NAME_PART.matcher(part).matches() || part.contains("--") || part.contains("..") || part.endsWith(".")
          || part.endsWith("-")) {
        throw new IllegalArgumentException("'" + repo + "' is not a model repository: '" + part
            + "' must be letters, digits, '-', '_' or '.', start with a letter or digit, without '--' or '..'");
      }
    }
  }

  private static void checkRevision(String revision) {
    if (revision == null || revision.isBlank()) {
      throw new IllegalArgumentException("the revision after '@' is empty");
    }
    if (revision.contains("..") || revision.startsWith("/") || revision.endsWith("/") || revision.contains("\\")
        || revision.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
      throw new IllegalArgumentException("'" + revision + "' is not a revision: expected a branch, tag or commit");
    }
  }
}
