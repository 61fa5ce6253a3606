package io.inferencegraph;

import io.inferencegraph.api.Deadline;
import io.inferencegraph.api.ErrorCode;
import io.inferencegraph.api.GenerationParams;
import io.inferencegraph.bus.Addresses;
import io.inferencegraph.bus.GenerateReply;
import io.inferencegraph.bus.GenerateRequest;
import io.inferencegraph.model.StepLog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayName("A leaving node's model workers answer every request that still reaches them")
class LeavingNodeTest {
  private static final GenerationParams EIGHT = GenerationParams.parse(Map.of("max_new_tokens", 8, "min_new_tokens", 8));

  @Test
  @DisplayName("while the accepted work drains, a late request gets 503 shutting_down at once (the edge retries it elsewhere), not silence")
  void lateRequestIsAnswered() throws Exception {
    Vertx vertx = Vertx.vertx();
    StepLog gpt2 = new StepLog();
    try {
      MainVerticle main = await(TestGraphs.deploy(vertx, TestGraphs.config(new JsonObject()),
          (name, metrics) -> name.equals("gpt2") ? gpt2 : metrics));
      StepLog.Hold held = gpt2.holdAt(2);
      Future<Message<Object>> accepted = send(vertx, "accepted");
      held.awaitReached();

      Future<Void> finished = main.finishModels(Deadline.in(60_000));
      // The workers stop a moment after finishModels returns: until then a request is still accepted (and
      // waits for the held step). Probe until one is refused; before the fix the bus dropped it unanswered.
      List<Future<Message<Object>>> acceptedProbes = new ArrayList<>();
      ReplyException refusal = null;
      while (refusal == null) {
        Future<Message<Object>> probe = send(vertx, "probe-" + acceptedProbes.size());
        try {
          probe.toCompletionStage().toCompletableFuture().get(200, TimeUnit.MILLISECONDS);
          throw new AssertionError("a probe was answered while the model is held");
        } catch (TimeoutException stillWaiting) {
          acceptedProbes.add(probe);
        } catch (ExecutionException failed) {
          refusal = (ReplyException) failed.getCause();
        }
      }
      assertThat(refusal.failureType()).as(refusal.getMessage()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
      assertThat(refusal.failureCode()).as(refusal.getMessage()).isEqualTo(ErrorCode.SHUTTING_DOWN.wire());
      assertThat(finished.isComplete()).as("the accepted request still holds the model").isFalse();

      held.release();
      GenerateReply reply = (GenerateReply) await(accepted).body();
      assertThat(reply.sequences().get(0).newTokens()).isEqualTo(8);
      for (Future<Message<Object>> probe : acceptedProbes) {
        assertThat(((GenerateReply) await(probe).body()).sequences().get(0).newTokens()).isEqualTo(8);
      }
      await(finished);
      ExecutionException gone = assertThrows(ExecutionException.class, () -> await(send(vertx, "after")));
      assertThat(((ReplyException) gone.getCause()).failureType()).as("the address is let go once drained")
          .isEqualTo(ReplyFailure.NO_HANDLERS);
    } finally {
      gpt2.holdAt(2).release();
      await(vertx.close());
    }
  }

  private static Future<Message<Object>> send(Vertx vertx, String id) {
    return vertx.eventBus().request(Addresses.generator("gpt2"), new GenerateRequest(id, "Once upon a time", EIGHT, null),
        new DeliveryOptions().setSendTimeout(30_000));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }
}
