package io.inferencegraph.model;

import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded queue of requests for one model and the thread that serves it. A full queue refuses
 * at once; closing stops intake, serves what was accepted, then ends the thread.
 */
abstract class BatchQueue<R> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BatchQueue.class);
  private static final long IDLE_POLL_MS = 50;

  protected final String model;
  protected final BatchLimits limits;
  protected final BatchObserver observer;
  protected final LinkedBlockingDeque<R> queue;
  private final Thread thread;
  private volatile boolean open = true;

  BatchQueue(String model, BatchLimits limits, BatchObserver observer, String threadName) {
    this.model = model;
    this.limits = limits;
    this.observer = observer;
    this.queue = new LinkedBlockingDeque<>(limits.maxQueue());
    this.thread = new Thread(this::loop, threadName);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** Requests waiting to be admitted. */
  public int queued() {
    return queue.size();
  }

  protected void enqueue(R request) {
    if (!open) {
      throw new ModelClosedException(model + " is shutting down");
    }
    if (!queue.offer(request)) {
      observer.onRejected();
      throw new OverloadedException(model + ": " + limits.maxQueue() + " requests already waiting; retry later");
    }
  }

  /** Serves the requests at hand; called again as long as the queue is open or work remains. */
  protected abstract void serve(R first) throws Exception;

  protected abstract boolean busy();

  /** When a request finds the model idle, waits up to max_wait_ms for others to join it. */
  protected void awaitCompany(int wanted) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limits.maxWaitMillis());
    while (queue.size() < wanted && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
  }

  private void loop() {
    while (open || busy() || !queue.isEmpty()) {
      try {
        R first = busy() ? null : queue.poll(IDLE_POLL_MS, TimeUnit.MILLISECONDS);
        if (first != null || busy()) {
          serve(first);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Throwable t) {
        LOG.error(model + ": batch loop failed", t);
      }
    }
  }

  @Override
  public void close() {
    open = false;
    try {
      thread.join(TimeUnit.SECONDS.toMillis(60));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
