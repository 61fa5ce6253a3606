package io.inferencegraph.graph;

import java.util.ArrayList;
import java.util.List;
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

  @Test
  @DisplayName("a sequence's end is told once, whichever attempt reports it")
  void finishesOnce() {
    assertThat(call.finishing(0)).isTrue();
    assertThat(call.finishing(0)).isFalse();
    assertThat(call.finishing(1)).isTrue();
  }
}
