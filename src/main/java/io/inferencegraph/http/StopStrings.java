package io.inferencegraph.http;

import java.util.List;

/** OpenAI's {@code stop}: up to four strings; the text ends before the first one that appears. */
record StopStrings(List<String> stops) {
  static final StopStrings NONE = new StopStrings(List.of());

  /** Where the text must end: the start of the earliest stop string in it, or -1. */
  int cut(String text) {
    int cut = -1;
    for (String stop : stops) {
      int at = text.indexOf(stop);
      if (at >= 0 && (cut < 0 || at < cut)) {
        cut = at;
      }
    }
    return cut;
  }

  /** How much of a growing text can be sent: all but a tail that may yet become a stop string. */
  int safeLength(String text) {
    int hold = 0;
    for (String stop : stops) {
      for (int n = Math.min(stop.length() - 1, text.length()); n > hold; n--) {
        if (text.endsWith(stop.substring(0, n))) {
          hold = n;
          break;
        }
      }
    }
    return text.length() - hold;
  }
}
