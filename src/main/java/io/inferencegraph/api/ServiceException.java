package io.inferencegraph.api;

/**
 * The one typed error of the service: every failure a request can meet becomes one of these, with
 * its {@link ErrorCode}, a message for the client and, for a bad parameter, the parameter's name.
 */
public class ServiceException extends RuntimeException {
  private final ErrorCode code;
  private final String param;

  public ServiceException(ErrorCode code, String message) {
    this(code, message, null, null);
  }

  public ServiceException(ErrorCode code, String message, Throwable cause) {
    this(code, message, null, cause);
  }

  /** {@code param}: the request's field at fault, or null. */
  public ServiceException(ErrorCode code, String message, String param, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.param = param;
  }

  /** A parameter the request cannot have: the message starts with the parameter's name. */
  public static ServiceException invalid(String param, String problem) {
    return new ServiceException(ErrorCode.INVALID_PARAMETER, param + ": " + problem, param, null);
  }

  public ErrorCode code() {
    return code;
  }

  /** The request's field at fault, or null. */
  public String param() {
    return param;
  }
}
