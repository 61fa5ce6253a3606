package io.inferencegraph.model.decode;

import java.nio.FloatBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A sequence's logprob trace: raw rows kept apart from the processors, text offsets that never go back")
class LogprobTraceTest {

  @Test
  @DisplayName("a token starts where the one before ended; an end that shrinks (clean-up) keeps the earlier one; offsets stop at the text")
  void offsets() {
    LogprobTrace trace = new LogprobTrace(2, 5);
    trace.textEnd(1, 3);
    trace.textEnd(2, 7);
    trace.textEnd(3, 6); // " n" became "n't" and the text got shorter
    trace.textEnd(4, 9);
    assertThat(trace.ended()).isEqualTo(4);
    assertThat(trace.textEnd(2)).isEqualTo(7);
    assertThat(trace.textOffset(0, 9)).isZero();
    assertThat(trace.textOffset(1, 9)).isEqualTo(3);
    assertThat(trace.textOffset(3, 9)).isEqualTo(7);
    assertThat(trace.textOffset(4, 9)).isEqualTo(9);
    assertThat(trace.textOffset(4, 8)).as("a stop string cut the text at 8").isEqualTo(8);
  }

  @Test
  @DisplayName("the step is computed from the row as it was kept, whatever changes the row afterwards; a cut drops later steps")
  void keepsTheRawRow() {
    LogprobTrace trace = new LogprobTrace(1, 4);
    FloatBuffer row = FloatBuffer.wrap(new float[] {9f, 0f, 1f, 2f, 3f});
    trace.keepRaw(row, 1, 4);
    row.put(4, -100f); // a processor bans the best token
    trace.chose(1, 4);
    assertThat(trace.steps().get(0).topIds()).containsExactly(3);
    trace.keepRaw(row, 1, 4);
    trace.chose(2, 4);
    assertThat(trace.steps().get(1).topIds()).containsExactly(2);
    trace.cut(1);
    assertThat(trace.steps()).hasSize(1);
    assertThat(trace.top()).isEqualTo(1);
  }
}
