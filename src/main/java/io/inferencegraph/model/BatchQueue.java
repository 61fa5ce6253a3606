package io.inferencegraph.model;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded queue of requests for one model and the thread that serves it. A full queue refuses
 * at once. Shutting down stops intake, serves what was accepted until a drain deadline, then
 * fails the rest with {@link ModelClosedException}; the loop frees its own batch as it ends.
 */
public abstract class BatchQueue<R> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BatchQueue.class);
  private static final long IDLE_POLL_MS = 50;
  /** How long a shutdown lets accepted requests finish before it drops them. */
  static final Duration DRAIN = Duration.ofSeconds(60);

  protected final String model;
  protected final BatchLimits limits;
  protected final BatchObserver observer;
  protected final LinkedBlockingDeque<R> queue;
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private volatile boolean open = true;
  private volatile boolean draining;
  private volatile long drainDeadline;

  BatchQueue(String model, BatchLimits limits, BatchObserver observer) {
    this.model = model;
    this.limits = limits;
    this.observer = observer;
    this.queue = new LinkedBlockingDeque<>(limits.maxQueue());
  }

  /** Starts the batch loop; the subclasses' factories call it once the object is complete. */
  final void startLoop() {
    Thread thread = new Thread(this::loop, "batch-" + model);
    thread.setDaemon(true);
    thread.start();
  }

  protected void enqueue(R request) {
    if (!open) {
      throw closed();
    }
    if (!queue.offer(request)) {
      observer.onRejected();
      throw new OverloadedException(model + ": " + limits.maxQueue() + " requests already waiting; retry later");
    }
    // Shutdown began while we offered: the loop may already have drained the queue and ended.
    // Whoever takes the request out answers it: the loop serves or fails it, or we refuse it here.
    if (!open && queue.remove(request)) {
      throw closed();
    }
  }

  /** Serves the requests at hand; called again as long as the queue is open or work remains. */
  protected abstract void serve(R first) throws Exception;

  protected abstract boolean busy();

  /** Fails a request that was queued but never served. */
  protected abstract void refuse(R request, RuntimeException error);

  /** Fails the requests in flight and frees the batch; runs on the loop thread as it ends. */
  protected abstract void abandon(RuntimeException error);

  /** When a request finds the model idle, waits up to max_wait_ms for others to join it. */
  protected void awaitCompany(int wanted) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limits.maxWaitMillis());
    while (queue.size() < wanted && System.nanoTime() < deadline) {
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // the loop's next poll sees it and ends
        return;
      }
    }
  }

  private void loop() {
    try {
      while (open || ((busy() || !queue.isEmpty()) && !drainExpired())) {
        R first = busy() ? null : queue.poll(IDLE_POLL_MS, TimeUnit.MILLISECONDS);
        if (first != null || busy()) {
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
      serve(first);
    } catch (Exception | Error e) {
      LOG.error(model + ": batch loop failed", e);
    }
  }

  private void end() {
    try {
      abandon(new ModelClosedException(model + " shut down before this request finished"));
      for (R request = queue.poll(); request != null; request = queue.poll()) {
        refuse(request, new ModelClosedException(model + " shut down before this request started"));
      }
    } finally {
      stopped.complete(null);
    }
  }

  private boolean drainExpired() {
    return draining && System.nanoTime() - drainDeadline >= 0;
  }

  private ModelClosedException closed() {
    return new ModelClosedException(model + " is shutting down");
  }

  /**
   * Stops intake and lets accepted requests finish for up to {@link #DRAIN}; the future completes
   * once the loop has ended and freed its batch, so the model can then be closed safely.
   */
  public CompletableFuture<Void> shutdown() {
    return shutdown(DRAIN);
  }

  synchronized CompletableFuture<Void> shutdown(Duration drain) {
    long deadline = System.nanoTime() + drain.toNanos();
    if (!draining || deadline - drainDeadline < 0) {
      drainDeadline = deadline;
      draining = true;
    }
    open = false;
    return stopped.copy();
  }

  /** Shuts down and waits for the loop to end: at most the drain deadline plus one batch step. */
  @Override
  public void close() {
    shutdown().join();
  }
}
