package io.inferencegraph.http;

import io.inferencegraph.bus.Failure;
import io.inferencegraph.bus.FailureCode;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("ErrorMapper alone turns a wire failure code into the README's status and error_type")
class ErrorMapperTest {

  @ParameterizedTest(name = "{0} -> {1} {2}")
  @CsvSource({
      "INVALID_PARAMETER, 400, invalid_parameter",
      "OVERLOADED, 503, overloaded",
      "MODEL_FAILURE, 500, model_error",
      "BAD_MESSAGE, 500, bad_message",
      "SHUTTING_DOWN, 503, shutting_down",
      "NODE_LEFT, 503, model_node_left"})
  void everyWireCode(FailureCode code, int status, String errorType) {
    ApiException typed = ErrorMapper.map(-1, new Failure(code, "gpt2: why"));
    // A plain reply failure with the same code (as the cluster's departed-node watch makes) maps the same.
    ApiException plain = ErrorMapper.map(-1, new ReplyException(ReplyFailure.RECIPIENT_FAILURE, code.code(), "why"));
    assertThat(typed.status()).isEqualTo(status);
    assertThat(typed.errorType()).isEqualTo(errorType);
    assertThat(typed.getMessage()).isEqualTo("gpt2: why");
    assertThat(plain.status()).isEqualTo(status);
    assertThat(plain.errorType()).isEqualTo(errorType);
  }

  @Test
  @DisplayName("the bus's own failures: no consumer 503, no answer in time 504")
  void busFailures() {
    assertThat(ErrorMapper.map(-1, new ReplyException(ReplyFailure.NO_HANDLERS, "none")).errorType())
        .isEqualTo("model_unavailable");
    assertThat(ErrorMapper.map(-1, new ReplyException(ReplyFailure.TIMEOUT, "late")).status()).isEqualTo(504);
  }
}
