package io.inferencegraph.model;

import io.inferencegraph.model.batch.BatchObserver;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One model's batch loop as a test sees it, through its {@link BatchObserver}: the size of every
 * step in order, the refusals, the step count at which each cancelled or expired request was
 * dropped, and holds inside chosen steps, so that what the test does meanwhile happens between two
 * known steps: order by causality, not by timing. Every callback is passed on to {@code next}.
 */
public final class StepLog implements BatchObserver {
  private final BatchObserver next;
  private final List<Integer> sizes = new CopyOnWriteArrayList<>();
  private final Map<Integer, Hold> holds = new ConcurrentHashMap<>();
  public final AtomicInteger rejected = new AtomicInteger();
  public final List<Integer> cancelledAt = new CopyOnWriteArrayList<>();
  public final List<Integer> expiredAt = new CopyOnWriteArrayList<>();
  private volatile CountDownLatch dropped = new CountDownLatch(1);

  public StepLog() {
    this(BatchObserver.NONE);
  }

  /** A log that also passes every callback on to {@code next} (the service's metrics, say). */
  public StepLog(BatchObserver next) {
    this.next = next;
  }

  /** The batch loop stopped inside one step until {@link #release}. */
  public static final class Hold {
    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    public void awaitReached() throws InterruptedException {
      assertThat(reached.await(60, TimeUnit.SECONDS)).as("the batch loop reached the held step").isTrue();
    }

    public void release() {
      released.countDown();
    }
  }

  /** Holds the loop inside step {@code step} (1 is the first) once it gets there. */
  public Hold holdAt(int step) {
    return holds.computeIfAbsent(step, s -> new Hold());
  }

  /** Holds the loop inside the {@code n}th step from now (1 is the next one). */
  public Hold holdIn(int n) {
    dropped = new CountDownLatch(1);
    return holdAt(sizes.size() + n);
  }

  /** Waits until the loop drops a cancelled or expired request (since the last {@link #holdIn}). */
  public void awaitDropped() throws InterruptedException {
    assertThat(dropped.await(60, TimeUnit.SECONDS)).as("the batch loop dropped the request").isTrue();
  }

  /** Called on the batch loop's own thread, so the list grows in step order. */
  @Override
  public void onStep(int batchSize, long nanos, int queued) {
    next.onStep(batchSize, nanos, queued);
    sizes.add(batchSize);
    Hold hold = holds.get(sizes.size());
    if (hold != null) {
      hold.reached.countDown();
      try {
        hold.released.await(60, TimeUnit.SECONDS); // a test that fails before releasing must not hang the loop
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void onKvCache(long bytes, long capacityBytes) {
    next.onKvCache(bytes, capacityBytes);
  }

  @Override
  public void onRejected() {
    next.onRejected();
    rejected.incrementAndGet();
  }

  @Override
  public void onCancelled() {
    next.onCancelled();
    cancelledAt.add(sizes.size());
    dropped.countDown();
  }

  @Override
  public void onExpired() {
    next.onExpired();
    expiredAt.add(sizes.size());
    dropped.countDown();
  }

  public int steps() {
    return sizes.size();
  }

  public List<Integer> sizes() {
    return List.copyOf(sizes);
  }
}
