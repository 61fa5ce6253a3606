package io.inferencegraph.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferencegraph.model.BatchObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One model's batch loop as the test sees it: the size of every step in order, the step count at
 * which each cancelled or expired request was dropped, and an optional hold inside a chosen step,
 * so that what the test does meanwhile happens between two known steps.
 */
final class Steps implements BatchObserver {
  private final List<Integer> sizes = new CopyOnWriteArrayList<>();
  final List<Integer> cancelledAt = new CopyOnWriteArrayList<>();
  final List<Integer> expiredAt = new CopyOnWriteArrayList<>();
  private volatile int holdAt = -1;
  private volatile CountDownLatch reached = new CountDownLatch(1);
  private volatile CountDownLatch released = new CountDownLatch(1);
  private volatile CountDownLatch dropped = new CountDownLatch(1);

  /** Holds the loop inside the {@code n}th step from now (1 is the next one). */
  void holdIn(int n) {
    reached = new CountDownLatch(1);
    released = new CountDownLatch(1);
    dropped = new CountDownLatch(1);
    holdAt = sizes.size() + n;
  }

  void awaitHeld() throws InterruptedException {
    assertThat(reached.await(60, TimeUnit.SECONDS)).as("the batch loop reached the held step").isTrue();
  }

  void release() {
    released.countDown();
  }

  /** Waits until the loop drops a cancelled or expired request. */
  void awaitDropped() throws InterruptedException {
    assertThat(dropped.await(60, TimeUnit.SECONDS)).as("the batch loop dropped the request").isTrue();
  }

  int steps() {
    return sizes.size();
  }

  List<Integer> sizes() {
    return List.copyOf(sizes);
  }

  @Override
  public void onStep(int batchSize, long nanos, int queued) {
    sizes.add(batchSize);
    if (sizes.size() == holdAt) {
      reached.countDown();
      try {
        released.await(60, TimeUnit.SECONDS); // a failing test must not hang the loop
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void onCancelled() {
    cancelledAt.add(sizes.size());
    dropped.countDown();
  }

  @Override
  public void onExpired() {
    expiredAt.add(sizes.size());
    dropped.countDown();
  }
}
