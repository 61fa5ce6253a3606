package io.inferencegraph.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a batcher reports through {@link BatchObserver}: the size of each step, in order, and the
 * refusals. A test can hold the batch loop inside a chosen step, so that what it does meanwhile
 * happens between two known steps: order by causality, not by timing.
 */
final class StepLog implements BatchObserver {
  private final List<Integer> sizes = new CopyOnWriteArrayList<>();
  private final Map<Integer, Hold> holds = new ConcurrentHashMap<>();
  final AtomicInteger rejected = new AtomicInteger();
  final AtomicInteger cancelled = new AtomicInteger();
  final AtomicInteger expired = new AtomicInteger();

  /** The batch loop stopped inside one step until {@link #release}. */
  static final class Hold {
    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    void awaitReached() throws InterruptedException {
      assertThat(reached.await(30, TimeUnit.SECONDS)).as("the batch loop reached the held step").isTrue();
    }

    void release() {
      released.countDown();
    }
  }

  /** Holds the loop inside step {@code step} (1 is the first) once it gets there. */
  Hold holdAt(int step) {
    return holds.computeIfAbsent(step, s -> new Hold());
  }

  /** Called on the batch loop's own thread, so the list grows in step order. */
  @Override
  public void onStep(int batchSize, long nanos, int queued) {
    sizes.add(batchSize);
    Hold hold = holds.get(sizes.size());
    if (hold != null) {
      hold.reached.countDown();
      try {
        hold.released.await(30, TimeUnit.SECONDS); // a test that fails before releasing must not hang the loop
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void onRejected() {
    rejected.incrementAndGet();
  }

  @Override
  public void onCancelled() {
    cancelled.incrementAndGet();
  }

  @Override
  public void onExpired() {
    expired.incrementAndGet();
  }

  int steps() {
    return sizes.size();
  }

  List<Integer> sizes() {
    return List.copyOf(sizes);
  }
}
