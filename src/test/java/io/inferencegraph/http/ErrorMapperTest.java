package io.inferencegraph.http;

import io.inferencegraph.api.ErrorCode;
import io.inferencegraph.api.ServiceException;
import io.inferencegraph.bus.Failure;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("ErrorMapper alone turns every error code into the README's status and error_type")
class ErrorMapperTest {
  /** Every code with its status and error_type, as docs/api.md's error table lists them. */
  private static final String[] TABLE = {
      "INVALID_PARAMETER, 400, invalid_parameter",
      "OVERLOADED, 503, overloaded",
      "MODEL_FAILURE, 500, model_error",
      "BAD_MESSAGE, 500, bad_message",
      "SHUTTING_DOWN, 503, shutting_down",
      "NODE_LEFT, 503, model_node_left",
      "TIMEOUT, 504, timeout",
      "CANCELLED, 499, cancelled",
      "MODEL_UNAVAILABLE, 503, model_unavailable",
      "EVENT_BUS_ERROR, 502, event_bus_error",
      "INVALID_JSON, 400, invalid_json",
      "EMPTY_PROMPT, 400, empty_prompt",
      "UNSUPPORTED_MEDIA_TYPE, 415, unsupported_media_type",
      "PAYLOAD_TOO_LARGE, 413, payload_too_large",
      "TOO_MANY_REQUESTS, 429, too_many_requests",
      "NOT_FOUND, 404, not_found",
      "METHOD_NOT_ALLOWED, 405, method_not_allowed",
      "MODEL_NOT_FOUND, 404, model_not_found",
      "TRACE_NOT_FOUND, 404, trace_not_found",
      "NOT_READY, 503, not_ready",
      "BAD_REQUEST, 400, bad_request",
      "INTERNAL, 500, internal_error",
      "FORBIDDEN, 403, forbidden",
      "INVALID_CONFIG, 422, invalid_config",
      "UNAUTHORIZED, 401, unauthorized"};

  @Test
  @DisplayName("the table below names every error code once")
  void tableIsComplete() {
    Set<ErrorCode> listed = Stream.of(TABLE).map(row -> ErrorCode.valueOf(row.split(",")[0].trim()))
        .collect(Collectors.toSet());
    assertThat(listed).isEqualTo(EnumSet.allOf(ErrorCode.class));
  }

  static Stream<Arguments> table() {
    return Stream.of(TABLE).map(row -> row.split(", ")).map(cells ->
        Arguments.of(ErrorCode.valueOf(cells[0]), Integer.parseInt(cells[1]), cells[2]));
  }

  @ParameterizedTest(name = "{0} -> {1} {2}")
  @MethodSource("table")
  @DisplayName("each code: its status, its error_type, the same whether raised here or on a model node")
  void everyCode(ErrorCode code, int status, String errorType) {
    assertThat(ErrorMapper.status(code)).isEqualTo(status);
    assertThat(code.type()).isEqualTo(errorType);
    ServiceException local = ErrorMapper.of(-1, new ServiceException(code, "gpt2: why"));
    ServiceException typed = ErrorMapper.of(-1, new Failure(code, "gpt2: why"));
    // A plain reply failure with the same code (as the cluster's departed-node watch makes) maps the same.
    ServiceException plain = ErrorMapper.of(-1, new ReplyException(ReplyFailure.RECIPIENT_FAILURE, code.wire(), "why"));
    assertThat(local.code()).isEqualTo(code);
    assertThat(typed.code()).isEqualTo(code);
    assertThat(typed.getMessage()).isEqualTo("gpt2: why");
    assertThat(plain.code()).isEqualTo(code);
    assertThat(ErrorMapper.body(typed)).isEqualTo(new JsonObject().put("error", "gpt2: why").put("error_type", errorType));
    JsonObject openAi = ErrorMapper.openAiBody(typed).getJsonObject("error");
    assertThat(openAi.getString("message")).isEqualTo("gpt2: why");
    assertThat(openAi.getString("code")).isEqualTo(errorType);
    assertThat(openAi.getString("type")).isEqualTo(status == 429 ? "rate_limit_error"
        : status < 500 ? "invalid_request_error" : "server_error");
  }

  @Test
  @DisplayName("the bus's own failures: no consumer 503, no answer in time 504, a bus error 502")
  void busFailures() {
    assertThat(ErrorMapper.of(-1, new ReplyException(ReplyFailure.NO_HANDLERS, "none")).code())
        .isEqualTo(ErrorCode.MODEL_UNAVAILABLE);
    assertThat(ErrorMapper.of(-1, new ReplyException(ReplyFailure.TIMEOUT, "late")).code()).isEqualTo(ErrorCode.TIMEOUT);
    assertThat(ErrorMapper.of(-1, new ReplyException(ReplyFailure.ERROR, "broken")).code())
        .isEqualTo(ErrorCode.EVENT_BUS_ERROR);
  }

  @Test
  @DisplayName("a stage's context goes before the model's message, and the code is kept")
  void stageContext() {
    ServiceException error = Failure.toServiceException("generate gpt2", new Failure(ErrorCode.OVERLOADED, "full"));
    assertThat(error.code()).isEqualTo(ErrorCode.OVERLOADED);
    assertThat(error.getMessage()).isEqualTo("generate gpt2: full");
    ServiceException known = Failure.toServiceException("classify bert", ServiceException.invalid("text", "too long"));
    assertThat(known.code()).isEqualTo(ErrorCode.INVALID_PARAMETER);
    assertThat(known.getMessage()).isEqualTo("classify bert: text: too long");
  }

  @ParameterizedTest(name = "vert.x-web {0} -> {1}")
  @CsvSource({"404, NOT_FOUND", "405, METHOD_NOT_ALLOWED", "413, PAYLOAD_TOO_LARGE", "415, UNSUPPORTED_MEDIA_TYPE",
      "504, TIMEOUT", "400, BAD_REQUEST", "401, UNAUTHORIZED", "403, FORBIDDEN", "402, INTERNAL", "500, INTERNAL"})
  @DisplayName("a status vert.x-web failed with becomes its code")
  void routingStatuses(int status, ErrorCode code) {
    assertThat(ErrorMapper.of(status, null).code()).isEqualTo(code);
  }

  @Test
  @DisplayName("an unexpected exception is an internal error with its message; a bad parameter keeps its name")
  void unexpected() {
    ServiceException error = ErrorMapper.of(-1, new IllegalStateException("boom"));
    assertThat(error.code()).isEqualTo(ErrorCode.INTERNAL);
    assertThat(error.getMessage()).isEqualTo("boom");
    assertThat(ErrorMapper.of(-1, new IllegalStateException()).getMessage()).isEqualTo("java.lang.IllegalStateException");
    ServiceException invalid = ServiceException.invalid("max_tokens", "must be at most 512");
    assertThat(ErrorMapper.openAiBody(invalid).getJsonObject("error").getString("param")).isEqualTo("max_tokens");
    assertThat(invalid.getMessage()).isEqualTo("max_tokens: must be at most 512");
  }
}
