package io.inferencegraph.http;

/** A request refused at the edge, with its HTTP status and a stable snake_case error type. */
public final class ApiException extends RuntimeException {
  private final int status;
  private final String errorType;

  public ApiException(int status, String errorType, String message) {
    super(message);
    this.status = status;
    this.errorType = errorType;
  }

  public int status() {
    return status;
  }

  public String errorType() {
    return errorType;
  }
}
