package io.inferencegraph.api;

/** A request parameter that the model cannot honour; names the field at fault. */
public final class InvalidParameterException extends RuntimeException {
  private final String field;

  public InvalidParameterException(String field, String problem) {
    super(field + ": " + problem);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
