package io.inferencegraph.graph;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A generate call whose tokens stream to the client, across its attempts. A retry generates the
 * whole sequence again on another node (same prompt, same seed, so the same text); of the new
 * attempt's text only what goes past what the client already has is passed on, and once a newer
 * attempt has spoken, an older one's late events are dropped. The client sees one unbroken stream.
 */
final class StreamedCall {
  private final String node;
  private final String model;
  private int attempt = 1;
  /** Characters of each sequence the client has been sent, over every attempt. */
  private final Map<Integer, Integer> sent = new HashMap<>();
  /** Characters of each sequence the current attempt has produced. */
  private final Map<Integer, Integer> produced = new HashMap<>();
  private final Set<Integer> finished = new HashSet<>();

  StreamedCall(String node, String model) {
    this.node = node;
    this.model = model;
  }

  String node() {
    return node;
  }

  String model() {
    return model;
  }

  /**
   * What of {@code text}, from attempt {@code from} for sequence {@code index}, the client has not
   * had yet; null for an event of an attempt that a newer one replaced.
   */
  String fresh(int from, int index, String text) {
    if (from < attempt) {
      return null;
    }
    if (from > attempt) {
      attempt = from;
      produced.clear();
    }
    int before = produced.getOrDefault(index, 0);
    int after = before + text.length();
    produced.put(index, after);
    int had = sent.getOrDefault(index, 0);
    if (after <= had) {
      return "";
    }
    sent.put(index, after);
    return text.substring(Math.max(0, had - before));
  }

  /** Whether the client has yet to hear that sequence {@code index} finished (it hears it once). */
  boolean finishing(int index) {
    return finished.add(index);
  }
}
