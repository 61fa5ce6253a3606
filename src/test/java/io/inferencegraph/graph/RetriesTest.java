package io.inferencegraph.graph;

import io.inferencegraph.api.Deadline;
import io.inferencegraph.api.ErrorCode;
import io.inferencegraph.api.GenerationParams;
import io.inferencegraph.api.ServiceException;
import io.inferencegraph.bus.Addresses;
import io.inferencegraph.bus.BusCodecs;
import io.inferencegraph.bus.ClassifyReply;
import io.inferencegraph.bus.ClassifyRequest;
import io.inferencegraph.bus.Failure;
import io.inferencegraph.bus.GenerateReply;
import io.inferencegraph.bus.GenerateRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@DisplayName("A model call whose node left is sent again, within its deadline, at most max times; a bad request never")
class RetriesTest {
  private static final GenerateReply ANSWER = new GenerateReply("r", "m",
      List.of(new GenerateReply.Sequence("Hello there", 1, 1, false, "length")), null);

  private final List<String> counted = new CopyOnWriteArrayList<>();
  private final Retries twice = new Retries(2, (model, reason) -> counted.add(model + ":" + reason),
      address -> Future.succeededFuture());

  @Test
  @DisplayName("a call failed with model_node_left is answered by the next attempt, "
      + "which carries its number and the seed the edge chose")
  void nodeLeftIsRetried(Vertx vertx, VertxTestContext ctx) {
    List<GenerateRequest> seen = serve(vertx, 1, new Failure(ErrorCode.NODE_LEFT, "gone"));
    GenerateRequest request = new GenerateRequest("r/a", "Hello", GenerationParams.none(), null);
    new ModelCalls(vertx.eventBus(), 5000, twice).generate("m", request, Deadline.NONE)
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertThat(reply).isEqualTo(ANSWER);
          assertThat(seen).extracting(GenerateRequest::requestId).containsExactly("r/a", "r/a#r2");
          Long seed = seen.get(0).parameters().seed();
          assertThat(seed).as("chosen at the edge, before the first attempt").isNotNull();
          assertThat(seen.get(1).parameters().seed()).isEqualTo(seed);
          assertThat(counted).containsExactly("m:node_left");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a call that fails because of its input (4xx) is not sent again")
  void badInputIsNotRetried(Vertx vertx, VertxTestContext ctx) {
    List<GenerateRequest> seen = serve(vertx, 1, new Failure(ErrorCode.INVALID_PARAMETER, "max_length: too small"));
    GenerateRequest request = new GenerateRequest("r/a", "Hello", GenerationParams.none(), null);
    new ModelCalls(vertx.eventBus(), 5000, twice).generate("m", request, Deadline.NONE)
        .onComplete(ctx.failing(error -> ctx.verify(() -> {
          assertThat(((ServiceException) error).code()).isEqualTo(ErrorCode.INVALID_PARAMETER);
          assertThat(seen).hasSize(1);
          assertThat(counted).isEmpty();
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("after max retries the last model_node_left is the answer")
  void boundedByMax(Vertx vertx, VertxTestContext ctx) {
    List<GenerateRequest> seen = serve(vertx, 10, new Failure(ErrorCode.NODE_LEFT, "gone"));
    GenerateRequest request = new GenerateRequest("r/a", "Hello", GenerationParams.none(), null);
    new ModelCalls(vertx.eventBus(), 5000, twice).generate("m", request, Deadline.NONE)
        .onComplete(ctx.failing(error -> ctx.verify(() -> {
          assertThat(((ServiceException) error).code()).isEqualTo(ErrorCode.NODE_LEFT);
          assertThat(seen).extracting(GenerateRequest::requestId).containsExactly("r/a", "r/a#r2", "r/a#r3");
          assertThat(counted).hasSize(2);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a classify call whose node left is sent again unchanged")
  void classifyIsRetried(Vertx vertx, VertxTestContext ctx) {
    BusCodecs.register(vertx);
    List<String> seen = new CopyOnWriteArrayList<>();
    ClassifyReply labels = new ClassifyReply("r/c", "bert", List.of(), null);
    vertx.eventBus().<ClassifyRequest>consumer(Addresses.classifier("bert"), message -> {
      seen.add(message.body().requestId());
      if (seen.size() == 1) {
        message.reply(new Failure(ErrorCode.SHUTTING_DOWN, "closing"));
      } else {
        message.reply(labels);
      }
    }).completion()
        .compose(v -> new ModelCalls(vertx.eventBus(), 5000, twice).classify("bert",
            new ClassifyRequest("r/c", List.of("hi")), Deadline.NONE))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertThat(reply).isEqualTo(labels);
          assertThat(seen).containsExactly("r/c", "r/c");
          assertThat(counted).containsExactly("bert:shutting_down");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("no retry past the request's deadline, nor of a timeout, nor beyond max")
  void deadlineAndKinds() {
    ServiceException left = new ServiceException(ErrorCode.NODE_LEFT, "gone");
    assertThat(twice.retry("m", left, 1, Deadline.in(60_000))).isEqualTo("node_left");
    assertThat(twice.retry("m", left, 1, new Deadline(System.nanoTime() - 1))).isNull();
    assertThat(twice.retry("m", left, 3, Deadline.NONE)).isNull();
    assertThat(twice.retry("m", new ServiceException(ErrorCode.TIMEOUT, "late"), 1, Deadline.NONE)).isNull();
    assertThat(twice.retry("m", new ServiceException(ErrorCode.MODEL_FAILURE, "boom"), 1, Deadline.NONE)).isNull();
    assertThat(Retries.NONE.retry("m", left, 1, Deadline.NONE)).isNull();
    assertThat(counted).containsExactly("m:node_left");
  }

  @Test
  @DisplayName("an attempt's request id names its call and its number; a call id of its own is left alone")
  void attemptIds() {
    assertThat(Retries.attemptId("r/a", 1)).isEqualTo("r/a");
    assertThat(Retries.callId("r/a#r2")).isEqualTo("r/a");
    assertThat(Retries.attempt("r/a#r2")).isEqualTo(2);
    assertThat(Retries.callId("r/map#rx")).isEqualTo("r/map#rx");
    assertThat(Retries.attempt("r/a")).isEqualTo(1);
  }

  /** A generator at "m" that fails the first {@code failing} requests with {@code failure}, then answers. */
  private static List<GenerateRequest> serve(Vertx vertx, int failing, Failure failure) {
    BusCodecs.register(vertx);
    List<GenerateRequest> seen = new CopyOnWriteArrayList<>();
    vertx.eventBus().<GenerateRequest>consumer(Addresses.generator("m"), (Message<GenerateRequest> message) -> {
      seen.add(message.body());
      if (seen.size() <= failing) {
        message.reply(failure);
      } else {
        message.reply(ANSWER);
      }
    });
    return seen;
  }
}
