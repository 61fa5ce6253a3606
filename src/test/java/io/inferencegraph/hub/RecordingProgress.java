package io.inferencegraph.hub;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A progress listener that keeps what it was told ("started PATH SIZE", "finished PATH", "cached PATH"). */
final class RecordingProgress implements ProgressListener {
  final List<String> events = new CopyOnWriteArrayList<>();
  /** The last byte count reported per file. */
  final Map<String, Long> bytes = new ConcurrentHashMap<>();
  /** Whether each call came from a daemon thread. */
  final List<Boolean> daemon = new CopyOnWriteArrayList<>();

  @Override
  public void started(String path, long totalBytes) {
    record("started " + path + " " + totalBytes);
  }

  @Override
  public void advanced(String path, long bytesNow) {
    bytes.put(path, bytesNow);
    daemon.add(Thread.currentThread().isDaemon());
  }

  @Override
  public void finished(String path) {
    record("finished " + path);
  }

  @Override
  public void cached(String path) {
    record("cached " + path);
  }

  @Override
  public void note(String line) {
    record("note " + line);
  }

  private void record(String event) {
    events.add(event);
    daemon.add(Thread.currentThread().isDaemon());
  }
}
