package io.inferencegraph.graph;

import io.inferencegraph.api.TokenLogprob;
import io.inferencegraph.bus.GenerateEvent;
import java.util.HashMap;
import java.util.List;
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
  /** Logprob entries of each sequence the client has been sent, and the current attempt has produced. */
  private final Map<Integer, Integer> sentLogprobs = new HashMap<>();
  private final Map<Integer, Integer> producedLogprobs = new HashMap<>();

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

  /** Hands {@code event}, from attempt {@code from}, to {@code listener}: what the client has not had of it. */
  void deliver(GenerateEvent event, int from, GraphListener listener) {
    String text = fresh(from, event.index(), event.text());
    if (text == null) {
      return;
    }
    List<TokenLogprob> logprobs = freshLogprobs(event.index(), event.logprobs());
    if (!logprobs.isEmpty()) {
      listener.onLogprobs(node, event.model(), event.index(), logprobs);
    }
    if (!text.isEmpty()) {
      listener.onToken(node, event.model(), event.index(), text);
    }
    if (event.finished() != null && finishing(event.index())) {
      listener.onGenerated(event.model(), event.index(), NodeOutputs.sequence(event.model(), event.index(),
          event.finished(), null));
    }
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
      producedLogprobs.clear();
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

  /**
   * What of {@code entries} (logprobs of sequence {@code index}, from an event {@link #fresh} let through)
   * the client has not had yet: as for text, counted in entries over every attempt.
   */
  List<TokenLogprob> freshLogprobs(int index, List<TokenLogprob> entries) {
    if (entries == null || entries.isEmpty()) {
      return List.of();
    }
    int before = producedLogprobs.getOrDefault(index, 0);
    int after = before + entries.size();
    producedLogprobs.put(index, after);
    int had = sentLogprobs.getOrDefault(index, 0);
    if (after <= had) {
      return List.of();
    }
    sentLogprobs.put(index, after);
    return entries.subList(Math.max(0, had - before), entries.size());
  }

  /** Whether the client has yet to hear that sequence {@code index} finished (it hears it once). */
  boolean finishing(int index) {
    return finished.add(index);
  }
}
