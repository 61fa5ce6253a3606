package io.inferencegraph.api;

import java.util.concurrent.TimeUnit;

/**
 * When a request must be done, on this JVM's {@link System#nanoTime} clock, from the edge to the
 * batcher; across nodes it travels as the time left. {@link #NONE} never passes.
 */
public record Deadline(long nanos) {
  public static final Deadline NONE = new Deadline(Long.MAX_VALUE);

  /** {@code millis} from now. */
  public static Deadline in(long millis) {
    return new Deadline(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis));
  }

  public boolean isNone() {
    return nanos == Long.MAX_VALUE;
  }

  /** Whether it has passed at {@code now} (a {@link System#nanoTime} reading); never for {@link #NONE}. */
  public boolean passed(long now) {
    return !isNone() && now - nanos >= 0;
  }

  public boolean passed() {
    return passed(System.nanoTime());
  }

  /** Milliseconds left, at least 0; {@link Long#MAX_VALUE} for {@link #NONE}. */
  public long remainingMillis() {
    return isNone() ? Long.MAX_VALUE : Math.max(0, TimeUnit.NANOSECONDS.toMillis(nanos - System.nanoTime()));
  }

  /** The earlier of the two. */
  public Deadline min(Deadline other) {
    return isNone() || (!other.isNone() && other.nanos - nanos < 0) ? other : this;
  }
}
