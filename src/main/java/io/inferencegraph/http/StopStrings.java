package io.inferencegraph.http;

import io.inferencegraph.api.StopText;
import java.util.List;

/** OpenAI's {@code stop}: up to four strings; the text ends before the first one that appears. */
record StopStrings(List<String> stops) {
  static final StopStrings NONE = new StopStrings(List.of());

  /** Where the text must end: the start of the earliest stop string in it, or -1. */
  int cut(String text) {
    return StopText.cut(stops, text);
  }

  /** How much of a growing text can be sent: all but a tail that may yet become a stop string. */
  int safeLength(String text) {
    return StopText.safeLength(stops, text);
  }
}
