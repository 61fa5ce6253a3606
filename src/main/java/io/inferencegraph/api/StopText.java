package io.inferencegraph.api;

import java.util.List;

/** Stop strings in a growing text: where the text must end, and how much of it is safe to hand on yet. */
public final class StopText {
  private StopText() {}

  /** The start of the earliest stop string in {@code text}, or -1. */
  public static int cut(List<String> stops, String text) {
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
  public static int safeLength(List<String> stops, String text) {
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
