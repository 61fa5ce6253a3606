package io.inferencegraph;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@DisplayName("SIGHUP asks for a reload")
class HangUpSignalTest {

  @Test
  @DisplayName("a SIGHUP to this JVM runs the handler (and no longer starts the JVM's shutdown)")
  void hangUpRunsTheHandler() throws Exception {
    CountDownLatch reloads = new CountDownLatch(1);
    // Raised only once our handler has replaced the JVM's, which would run the shutdown hooks.
    assumeTrue(HangUpSignal.install(reloads::countDown), "SIGHUP cannot be handled in this JVM");
    Class<?> signal = Class.forName("sun.misc.Signal");
    signal.getMethod("raise", signal).invoke(null, signal.getConstructor(String.class).newInstance("HUP"));
    assertThat(reloads.await(10, TimeUnit.SECONDS)).isTrue();
  }
}
