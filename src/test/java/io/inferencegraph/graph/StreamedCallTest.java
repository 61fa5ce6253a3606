package io.inferencegraph.graph;

import io.inferencegraph.api.TokenLogprob;
import io.inferencegraph.bus.GenerateEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A streamed call resumed on another node: each character reaches the client once, "
    + "never from a replaced attempt")
class StreamedCallTest {
  private final StreamedCall call = new StreamedCall("write", "gpt2");
  private final List<String> client = new ArrayList<>();

  private void event(int attempt, int index, String text) {
    String fresh = call.fresh(attempt, index, text);
    if (fresh != null && !fresh.isEmpty()) {
      client.add(fresh);
    }
  }

  @Test
  @DisplayName("the second attempt's text is passed on only past what the first had sent, split where needed")
  void resumes() {
    event(1, 0, "Once");
    event(1, 0, " upon a");
    event(2, 0, "Once");
    event(2, 0, " upon");
    event(2, 0, " a time");
    event(2, 0, ", there");
    assertThat(String.join("", client)).isEqualTo("Once upon a time, there");
    assertThat(client).containsExactly("Once", " upon a", " time", ", there");
  }

  @Test
  @DisplayName("a late event of the replaced attempt is dropped; sequences are counted apart")
  void dropsLate() {
    event(1, 0, "Once");
    event(1, 1, "It");
    event(2, 0, "Once upon");
    assertThat(call.fresh(1, 0, " LATE")).isNull();
    event(2, 1, "It was");
    assertThat(client).containsExactly("Once", "It", " upon", " was");
  }

  private static List<TokenLogprob> entries(String... tokens) {
    return java.util.Arrays.stream(tokens).map(t -> new TokenLogprob(t, -1.0, Map.of(t, -1.0), 0)).toList();
  }

  @Test
  @DisplayName("logprobs delivered with the events reach the client once each, across attempts and sequences")
  void logprobsResume() {
    List<String> tokens = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    GraphListener listener = new GraphListener() {
      @Override
      public void onLogprobs(String node, String model, int index, List<TokenLogprob> logprobs) {
        logprobs.forEach(entry -> tokens.add(index + ":" + entry.token()));
      }

      @Override
      public void onToken(String node, String model, int index, String text) {
        texts.add(index + ":" + text);
      }
    };
    call.deliver(new GenerateEvent("r-1", "gpt2", 0, "Once up", null, entries("Once", " up")), 1, listener);
    call.deliver(new GenerateEvent("r-1", "gpt2", 1, "It", null, entries("It")), 1, listener);
    call.deliver(new GenerateEvent("r-1#2", "gpt2", 0, "Once", null, entries("Once")), 2, listener);
    call.deliver(new GenerateEvent("r-1#2", "gpt2", 0, " up on", null, entries(" up", " on")), 2, listener);
    call.deliver(new GenerateEvent("r-1", "gpt2", 0, " late", null, entries(" late")), 1, listener);
    call.deliver(new GenerateEvent("r-1#2", "gpt2", 1, "It was", null, entries("It", " was")), 2, listener);
    call.deliver(new GenerateEvent("r-1#2", "gpt2", 1, "", null, entries("<|endoftext|>")), 2, listener);
    assertThat(tokens).containsExactly("0:Once", "0: up", "1:It", "0: on", "1: was", "1:<|endoftext|>");
    assertThat(texts).containsExactly("0:Once up", "1:It", "0: on", "1: was");
  }

  @Test
  @DisplayName("a sequence's end is told once, whichever attempt reports it")
  void finishesOnce() {
    assertThat(call.finishing(0)).isTrue();
    assertThat(call.finishing(0)).isFalse();
    assertThat(call.finishing(1)).isTrue();
  }
}
