package io.inferencegraph.bus;

import io.inferencegraph.api.ErrorCode;
import io.inferencegraph.api.GenerationParams;
import io.inferencegraph.api.TokenLogprob;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@DisplayName("The bus protocol: each record crosses the wire intact, and a failure stays a typed failure")
class WireProtocolTest {
  private static final GenerateRequest REQUEST = new GenerateRequest("r-1", "I have an idea!",
      GenerationParams.parse(Map.ofEntries(Map.entry("max_new_tokens", 24), Map.entry("min_new_tokens", 3),
          Map.entry("do_sample", true), Map.entry("temperature", 0.8), Map.entry("top_k", 40), Map.entry("top_p", 0.9),
          Map.entry("seed", 1234L), Map.entry("num_return_sequences", 2),
          Map.entry("stop_strings", List.of("\n\n", "ü")),
          Map.entry("bad_words_ids", List.of(List.of(7L), List.of(5_000_000_000L, 8L))), Map.entry("logprobs", 3))), null);
  private static final GenerateReply REPLY = new GenerateReply("r-1", "gpt2", List.of(
      new GenerateReply.Sequence("I have an idea! ünïcode", 5, 24, false, "length"),
      new GenerateReply.Sequence("I have an idea!.", 5, 1, true, "eos")),
      new Timing(1_795_316_073_378_675L, 1_795_316_073_455_239L));
  private static final ClassifyReply CLASSIFIED = new ClassifyReply("r-1", "bert-base-uncased", List.of(
      new ClassifyReply.Label("POSITIVE", 0.9160761953115867, Map.of("NEGATIVE", 0.0839238046884133,
          "POSITIVE", 0.9160761953115867)), new ClassifyReply.Label("NEGATIVE", 0.5, Map.of())),
      new Timing(1L, 2L));

  @Test
  @DisplayName("encodeToWire then decodeFromWire gives an equal record; local delivery hands over the same one")
  void recordsRoundTrip() {
    assertRoundTrip(new RecordCodec<>(GenerateRequest.class), REQUEST);
    assertRoundTrip(new RecordCodec<>(GenerateRequest.class),
        new GenerateRequest("r-2", "hi", GenerationParams.none(), null));
    assertRoundTrip(new RecordCodec<>(GenerateReply.class), REPLY);
    assertRoundTrip(new RecordCodec<>(ClassifyRequest.class), new ClassifyRequest("r-1", List.of("I have an idea!", "x")));
    assertRoundTrip(new RecordCodec<>(ClassifyReply.class), CLASSIFIED);
    assertRoundTrip(new RecordCodec<>(GenerateRequest.class),
        new GenerateRequest("r-3", "hi", REQUEST.parameters(), Addresses.stream("r-3")));
    assertRoundTrip(new RecordCodec<>(GenerateRequest.class),
        new GenerateRequest("r-4", "", List.of(40L, 575L, 5_000_000_000L), REQUEST.parameters(),
            GenerationParams.parse(Map.of("top_k", 0)), null));
    assertRoundTrip(new RecordCodec<>(GenerateEvent.class), new GenerateEvent("r-1", "gpt2", 1, " ün", null));
    assertRoundTrip(new RecordCodec<>(GenerateEvent.class),
        new GenerateEvent("r-1", "gpt2", 0, "", REPLY.sequences().get(0)));
    assertRoundTrip(new RecordCodec<>(CancelRequest.class), new CancelRequest("r-1"));
  }

  @Test
  @DisplayName("logprobs cross the wire with their alternatives in order, best first")
  void logprobsRoundTrip() {
    Map<String, Double> top = new java.util.LinkedHashMap<>();
    top.put(" z", -0.25);
    top.put(" a", -1.5);
    top.put("\uFFFD", -9999.0);
    List<TokenLogprob> logprobs = List.of(new TokenLogprob(" a", -1.5, top, 3), new TokenLogprob("<|endoftext|>",
        -0.125, Map.of("<|endoftext|>", -0.125), 5));
    GenerateReply.Sequence sequence = new GenerateReply.Sequence("hi a", 1, 2, false, "eos", logprobs);
    RecordCodec<GenerateEvent> events = new RecordCodec<>(GenerateEvent.class);
    assertRoundTrip(events, new GenerateEvent("r-1", "gpt2", 0, " a", null, logprobs));
    assertRoundTrip(events, new GenerateEvent("r-1", "gpt2", 0, "", sequence, null));
    assertRoundTrip(new RecordCodec<>(GenerateReply.class), new GenerateReply("r-1", "gpt2", List.of(sequence), null));
    Buffer wire = Buffer.buffer();
    events.encodeToWire(wire, new GenerateEvent("r-1", "gpt2", 0, " a", null, logprobs));
    assertThat(events.decodeFromWire(0, wire).logprobs().get(0).top().keySet()).containsExactly(" z", " a", "\uFFFD");
  }

  private static <T extends Record> void assertRoundTrip(RecordCodec<T> codec, T record) {
    Buffer wire = Buffer.buffer().appendString("header");
    codec.encodeToWire(wire, record);
    assertThat(codec.decodeFromWire("header".length(), wire)).isEqualTo(record);
    assertThat(codec.transform(record)).isSameAs(record);
  }

  @Test
  @DisplayName("a failure decoded from the wire keeps its code and message")
  void failureRoundTrip() {
    MessageCodec<Failure, Failure> codec = new FailureCodec();
    Buffer wire = Buffer.buffer();
    codec.encodeToWire(wire, new Failure(ErrorCode.OVERLOADED, "gpt2: 256 requests waiting"));
    Failure decoded = codec.decodeFromWire(0, wire);
    assertThat(decoded.code()).isEqualTo(ErrorCode.OVERLOADED);
    assertThat(decoded.failureCode()).isEqualTo(2);
    assertThat(decoded.failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
    assertThat(decoded.getMessage()).isEqualTo("gpt2: 256 requests waiting");
  }

  @Test
  @DisplayName("wire codes are explicit and stable; an unknown one counts as a model failure")
  void stableCodes() {
    assertThat(List.of(ErrorCode.values())).extracting(ErrorCode::wire)
        .containsExactlyElementsOf(IntStream.rangeClosed(1, ErrorCode.values().length).boxed().toList());
    assertThat(ErrorCode.ofWire(ErrorCode.TIMEOUT.wire())).isEqualTo(ErrorCode.TIMEOUT);
    assertThat(ErrorCode.ofWire(99)).isEqualTo(ErrorCode.MODEL_FAILURE);
  }

  @Test
  @DisplayName("over a real event bus, a record request gets a record reply, and a Failure fails the requester with it")
  void overTheBus(Vertx vertx, VertxTestContext ctx) {
    BusCodecs.register(vertx);
    BusCodecs.register(vertx);
    vertx.eventBus().<GenerateRequest>consumer("test.generate", message -> message.reply(REPLY));
    vertx.eventBus().<ClassifyRequest>consumer("test.classify",
        message -> message.reply(new Failure(ErrorCode.INVALID_PARAMETER, "text: too long")));
    vertx.eventBus().<GenerateReply>request("test.generate", REQUEST)
        .onComplete(ctx.succeeding(reply -> vertx.eventBus().request("test.classify", new ClassifyRequest("r-1", List.of("x")))
            .onComplete(ctx.failing(error -> ctx.verify(() -> {
              assertThat(reply.body()).isEqualTo(REPLY);
              assertThat(error).isInstanceOf(Failure.class);
              assertThat(((Failure) error).code()).isEqualTo(ErrorCode.INVALID_PARAMETER);
              ctx.completeNow();
            })))));
  }
}
