package io.inferencegraph.model.batch;

import ai.onnxruntime.OrtException;
import io.inferencegraph.api.ErrorCode;
import io.inferencegraph.api.ServiceException;
import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded queue of requests for one model and the thread that hands them to its {@link BatchWork}.
 * A full queue refuses at once. Shutting down stops intake, serves what was accepted until a drain
 * deadline, then fails the rest with {@link ModelClosedException}; the work frees its batch as the
 * loop ends.
 */
public final class BatchQueue<R> {
  private static final Logger LOG = LoggerFactory.getLogger(BatchQueue.class);
  private static final long IDLE_POLL_MS = 50;
  /** How long a shutdown lets accepted requests finish before it drops them. */
  public static final Duration DRAIN = Duration.ofSeconds(60);

  private final String model;
  private final BatchLimits limits;
  private final BatchObserver observer;
  private final BatchWork<R> work;
  private final LinkedBlockingDeque<R> queue;
  private final ReentrantLock arrivals = new ReentrantLock();
  private final Condition arrived = arrivals.newCondition();
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private volatile boolean open = true;
  private volatile boolean draining;
  private volatile long drainDeadline;

  private BatchQueue(String model, BatchLimits limits, BatchObserver observer, BatchWork<R> work) {
    this.model = model;
    this.limits = limits;
    this.observer = observer;
    this.work = work;
    this.queue = new LinkedBlockingDeque<>(limits.maxQueue());
  }

  /** A queue whose thread is serving {@code work}; {@link #shutdown} ends it. */
  public static <R> BatchQueue<R> start(String model, BatchLimits limits, BatchObserver observer, BatchWork<R> work) {
    BatchQueue<R> queue = new BatchQueue<>(model, limits, observer, work);
    Thread thread = new Thread(queue::loop, "batch-" + model);
    thread.setDaemon(true);
    thread.start();
    return queue;
  }

  /** Queues a request, or throws {@link OverloadedException} (full) or {@link ModelClosedException} (shut down). */
  public void offer(R request) {
    if (!open) {
      throw closed();
    }
    if (!queue.offer(request)) {
      observer.onRejected();
      throw new ServiceException(ErrorCode.OVERLOADED, model + ": " + limits.maxQueue() + " requests already waiting; retry later");
    }
    // Shutdown began while we offered: the loop may already have drained the queue and ended.
    // Whoever takes the request out answers it: the loop serves or fails it, or we refuse it here.
    if (!open && queue.remove(request)) {
      throw closed();
    }
    arrivals.lock();
    try {
      arrived.signalAll();
    } finally {
      arrivals.unlock();
    }
  }

  /** The next request, not taken (only the loop's thread takes, so a peeked head is the one polled). */
  public R peek() {
    return queue.peek();
  }

  public R poll() {
    return queue.poll();
  }

  /** Takes up to {@code max} waiting requests into {@code into}, oldest first. */
  public int drainTo(Collection<? super R> into, int max) {
    return queue.drainTo(into, max);
  }

  /** Takes {@code request} out if it is still waiting. */
  public boolean remove(R request) {
    return queue.remove(request);
  }

  /** The waiting requests, oldest first; weakly consistent, as the queue's own iterator. */
  public Iterator<R> waiting() {
    return queue.iterator();
  }

  public int size() {
    return queue.size();
  }

  /**
   * When a request finds the model idle, waits up to max_wait_ms for {@code wanted} more to join
   * it; woken by each arrival rather than polling.
   */
  public void awaitCompany(int wanted) {
    long left = TimeUnit.MILLISECONDS.toNanos(limits.maxWaitMillis());
    arrivals.lock();
    try {
      while (queue.size() < wanted && left > 0) {
        left = arrived.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the loop's next poll sees it and ends
    } finally {
      arrivals.unlock();
    }
  }

  private void loop() {
    try {
      while (open || ((work.busy() || !queue.isEmpty()) && !drainExpired())) {
        R first = work.busy() ? null : queue.poll(IDLE_POLL_MS, TimeUnit.MILLISECONDS);
        if (first != null || work.busy()) {
          serveLogged(first);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      end();
    }
  }

  private void serveLogged(R first) {
    try {
      work.serve(first, this);
    } catch (OrtException e) { // the work has failed the requests it held with it; the message says why
      LOG.warn("{}: a batch step failed: {}", model, e.getMessage());
    } catch (Exception | Error e) {
      LOG.error(model + ": batch loop failed", e);
    }
  }

  private void end() {
    try {
      work.abandon(new ServiceException(ErrorCode.SHUTTING_DOWN, model + " shut down before this request finished"));
      for (R request = queue.poll(); request != null; request = queue.poll()) {
        work.refuse(request, new ServiceException(ErrorCode.SHUTTING_DOWN, model + " shut down before this request started"));
      }
    } finally {
      stopped.complete(null);
    }
  }

  private boolean drainExpired() {
    return draining && System.nanoTime() - drainDeadline >= 0;
  }

  private ServiceException closed() {
    return new ServiceException(ErrorCode.SHUTTING_DOWN, model + " is shutting down");
  }

  /**
   * Stops intake and lets accepted requests finish for up to {@code drain}; the future completes
   * once the loop has ended and freed its batch, so the model can then be closed safely. A second
   * call may shorten the drain, never lengthen it.
   */
  public synchronized CompletableFuture<Void> shutdown(Duration drain) {
    long deadline = System.nanoTime() + drain.toNanos();
    if (!draining || deadline - drainDeadline < 0) {
      drainDeadline = deadline;
      draining = true;
    }
    open = false;
    return stopped.copy();
  }
}
