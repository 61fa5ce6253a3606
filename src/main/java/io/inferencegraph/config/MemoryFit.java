package io.inferencegraph.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps a plan within memory: weights count once per model (instances share one session), each
 * instance adds its KV cache at the batch's token limit. Auto instance counts shrink, the largest
 * first, until the plan fits or every one is down to one.
 */
final class MemoryFit {
  private MemoryFit() {}

  static List<Sizing.Choice> fit(long memory, List<Sizing.Facts> models, List<Sizing.Choice> plan) {
    List<Sizing.Choice> choices = new ArrayList<>(plan);
    boolean[] shrunk = new boolean[choices.size()];
    while (need(models, choices) > memory) {
      int largest = -1;
      for (int i = 0; i < choices.size(); i++) {
        boolean auto = models.get(i).instances() == 0;
        if (auto && choices.get(i).instances() > 1
            && (largest < 0 || choices.get(i).instances() > choices.get(largest).instances())) {
          largest = i;
        }
      }
      if (largest < 0) {
        break;
      }
      Sizing.Choice c = choices.get(largest);
      choices.set(largest, new Sizing.Choice(c.name(), c.instances() - 1, c.threads(), c.why()));
      shrunk[largest] = true;
    }
    long need = need(models, choices);
    for (int i = 0; i < choices.size(); i++) {
      Sizing.Choice c = choices.get(i);
      String note = shrunk[i] ? "; fewer instances to fit " + mb(memory) + " MB of memory" : "";
      if (need > memory) {
        note += "; the plan needs " + mb(need) + " MB but " + mb(memory) + " MB are available";
      }
      choices.set(i, new Sizing.Choice(c.name(), c.instances(), c.threads(), c.why() + note));
    }
    return choices;
  }

  /** Bytes the plan takes: each model's weights once, each instance's reserve. */
  static long need(List<Sizing.Facts> models, List<Sizing.Choice> choices) {
    long total = 0;
    for (int i = 0; i < models.size(); i++) {
      total += models.get(i).bytes()
          + choices.get(i).instances() * (models.get(i).instanceBytes() + Sizing.INSTANCE_BYTES);
    }
    return total;
  }

  private static long mb(long bytes) {
    return bytes >> 20;
  }
}
