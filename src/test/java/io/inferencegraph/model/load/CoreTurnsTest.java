package io.inferencegraph.model.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Sessions take turns on the node's cores: one permit per intra-op thread, first come first served")
class CoreTurnsTest {
  private static final long WAIT_MS = 300;
  /** A thread per run, whatever the common pool's size: every held run must be able to start. */
  private static final Executor THREADS = runnable -> {
    Thread thread = new Thread(runnable, "core-turns-test");
    thread.setDaemon(true);
    thread.start();
  };

  /** A run that holds its turn until {@code release} opens, after saying it has started. */
  private record Held(CompletableFuture<String> done, CountDownLatch started, CountDownLatch release) {
    static Held start(CoreTurns.Turn turn, String name) {
      CountDownLatch started = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<String> done = CompletableFuture.supplyAsync(() -> {
        try {
          return turn.run(() -> {
            started.countDown();
            awaitQuietly(release);
            return name;
          });
        } catch (OrtException e) {
          throw new IllegalStateException(e);
        }
      }, THREADS);
      return new Held(done, started, release);
    }

    private static void awaitQuietly(CountDownLatch latch) {
      try {
        latch.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    boolean running() throws InterruptedException {
      return started.await(WAIT_MS, TimeUnit.MILLISECONDS);
    }

    String finish() throws Exception {
      release.countDown();
      return done.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("runs whose threads fit the cores run side by side")
  void fitSideBySide() throws Exception {
    CoreTurns cores = new CoreTurns(2);
    Held first = Held.start(cores.turn(1, true), "first");
    Held second = Held.start(cores.turn(1, true), "second");
    assertThat(first.running()).isTrue();
    assertThat(second.running()).isTrue();
    assertThat(first.finish()).isEqualTo("first");
    assertThat(second.finish()).isEqualTo("second");
  }

  @Test
  @DisplayName("a run that needs every core waits for the one inside, then runs")
  void waitsForItsThreads() throws Exception {
    CoreTurns cores = new CoreTurns(2);
    Held inside = Held.start(cores.turn(1, true), "inside");
    assertThat(inside.running()).isTrue();
    Held wide = Held.start(cores.turn(2, true), "wide");
    assertThat(wide.running()).as("one of two cores is free, it needs both").isFalse();
    assertThat(inside.finish()).isEqualTo("inside");
    assertThat(wide.running()).isTrue();
    assertThat(wide.finish()).isEqualTo("wide");
  }

  @Test
  @DisplayName("first come first served: a later narrow run does not overtake a waiting wide one")
  void inOrder() throws Exception {
    CoreTurns cores = new CoreTurns(2);
    Held inside = Held.start(cores.turn(1, true), "inside");
    assertThat(inside.running()).isTrue();
    Held wide = Held.start(cores.turn(2, true), "wide");
    assertThat(wide.running()).isFalse();
    Held narrow = Held.start(cores.turn(1, true), "narrow");
    assertThat(narrow.running()).as("a core is free, but the wide run came first").isFalse();
    inside.finish();
    assertThat(wide.running()).isTrue();
    assertThat(narrow.running()).isFalse();
    wide.finish();
    assertThat(narrow.running()).isTrue();
    narrow.finish();
  }

  @Test
  @DisplayName("more threads than cores take every core, never more, so the run can start")
  void cappedAtTheCores() throws Exception {
    CoreTurns cores = new CoreTurns(2);
    CoreTurns.Turn many = cores.turn(8, true);
    assertThat(many.permits()).isEqualTo(2);
    assertThat(cores.turn(0, true).permits()).isEqualTo(1);
    Held held = Held.start(many, "many");
    assertThat(held.running()).isTrue();
    Held other = Held.start(cores.turn(1, true), "other");
    assertThat(other.running()).isFalse();
    held.finish();
    assertThat(other.finish()).isEqualTo("other");
  }

  @Test
  @DisplayName("with turns off a run never waits, even with every core taken")
  void off() throws Exception {
    CoreTurns cores = new CoreTurns(1);
    Held inside = Held.start(cores.turn(1, true), "inside");
    assertThat(inside.running()).isTrue();
    CoreTurns.Turn free = cores.turn(4, false);
    assertThat(free.permits()).isZero();
    assertThat(free.run(() -> "ran")).isEqualTo("ran");
    inside.finish();
  }

  @Test
  @DisplayName("a run that fails gives its cores back")
  void failureReleases() throws Exception {
    CoreTurns cores = new CoreTurns(2);
    CoreTurns.Turn wide = cores.turn(2, true);
    assertThatThrownBy(() -> wide.run(() -> {
      throw new OrtException("session failed");
    })).isInstanceOf(OrtException.class).hasMessageContaining("session failed");
    assertThatThrownBy(() -> wide.run(() -> {
      throw new IllegalStateException("bad shape");
    })).isInstanceOf(IllegalStateException.class);
    Held after = Held.start(wide, "after");
    assertThat(after.running()).isTrue();
    assertThat(after.finish()).isEqualTo("after");
  }

  @Test
  @DisplayName("the node's turns count the cores this process may use")
  void node() {
    int cores = Runtime.getRuntime().availableProcessors();
    assertThat(CoreTurns.node()).isSameAs(CoreTurns.node());
    assertThat(CoreTurns.node().turn(Integer.MAX_VALUE, true).permits()).isEqualTo(cores);
    assertThat(OnnxSessions.turn(new ModelOptions(null, null, 1, true, SessionTuning.DEFAULT)).permits()).isEqualTo(1);
    assertThat(OnnxSessions.turn(new ModelOptions(null, null, 1, true, new SessionTuning(true, true, false, false)))
        .permits()).isZero();
  }
}
