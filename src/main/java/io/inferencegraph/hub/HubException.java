package io.inferencegraph.hub;

/** Every failure of the Hub client, with a stable kind and a one-line message fit for a CLI user. */
public final class HubException extends RuntimeException {
  /** What went wrong, stable for callers to branch on. */
  public enum Kind {
    GATED_OR_PRIVATE, REPO_NOT_FOUND, REVISION_NOT_FOUND, ENTRY_NOT_FOUND, CHECKSUM_MISMATCH, OFFLINE_MISS, NETWORK,
    PROTOCOL,
    /** The cache directory could not be read or written (permissions, full disk). */
    CACHE
  }

  private final Kind kind;

  public HubException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public HubException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
