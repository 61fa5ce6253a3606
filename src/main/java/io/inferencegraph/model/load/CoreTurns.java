package io.inferencegraph.model.load;

import ai.onnxruntime.OrtException;
import java.util.concurrent.Semaphore;

/**
 * The node's cores as permits: a session run takes one permit for each of its intra-op threads
 * (at most all of them) and gives them back when it ends, first come first served. When the
 * sessions' threads add up to no more than the cores, as "auto" plans them on a machine with more
 * cores than models, nobody waits; on a crowded node, where every real-sized model has all the
 * cores as threads, the models take turns instead of slicing the cores among 4x the threads, each
 * parallel step waiting for its slowest, preempted thread. On 2 cores the real-sized set served
 * 1.27-1.42 req/s at 16 clients taking turns against 1.00 without (docs/performance.md).
 */
public final class CoreTurns {
  private static final CoreTurns NODE = new CoreTurns(Runtime.getRuntime().availableProcessors());

  private final Semaphore cores;
  private final int size;

  CoreTurns(int cores) {
    this.size = cores;
    this.cores = new Semaphore(cores, true);
  }

  /** The cores this process may use, as {@code availableProcessors} counts them (container limits included). */
  public static CoreTurns node() {
    return NODE;
  }

  /** One session's way onto the cores: {@code threads} permits a run, or none when turns are off. */
  public Turn turn(int threads, boolean takeTurns) {
    return new Turn(takeTurns ? this : null, Math.min(Math.max(1, threads), size));
  }

  /** What a session calls its runs through. */
  public static final class Turn {
    private final CoreTurns cores;
    private final int permits;

    private Turn(CoreTurns cores, int permits) {
      this.cores = cores;
      this.permits = permits;
    }

    public int permits() {
      return cores == null ? 0 : permits;
    }

    /** Runs {@code run} once this session's share of the cores is free, and frees it after. */
    public <T> T run(SessionRun<T> run) throws OrtException {
      if (cores == null) {
        return run.run();
      }
      // uninterruptible: a run holds its permits for one forward, so the wait is bounded by the runs ahead
      cores.cores.acquireUninterruptibly(permits);
      try {
        return run.run();
      } finally {
        cores.cores.release(permits);
      }
    }
  }

  /** One call into ONNX Runtime. */
  @FunctionalInterface
  public interface SessionRun<T> {
    T run() throws OrtException;
  }
}
