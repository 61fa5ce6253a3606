package io.inferencegraph.bench;

import io.inferencegraph.api.GenerationParams;
import io.inferencegraph.api.Params;
import io.inferencegraph.model.Decoding;
import io.inferencegraph.model.generate.TextGenerator;
import java.util.ArrayList;
import java.util.List;

/**
 * Fixed English prompts cut to about {@code target} tokens of a model's own tokenizer (the same
 * text is 30 tokens for gpt2 and more for a tiny vocabulary). Prompt i starts i words later.
 */
final class Prompts {
  private static final String[] WORDS = ("""
      The old lighthouse keeper climbed the narrow stairs every evening at dusk, carrying a lamp, a notebook
      and a flask of tea. From the top he could see the fishing boats coming home across the grey water, the
      gulls circling above the harbour, and the long road that wound between the hills toward the town. He
      wrote down the weather, the ships he saw and anything unusual, because his father had done the same and
      his grandfather before him, and because one day someone might want to know what the sea had been like.
      """).trim().split("\\s+");

  private final TextGenerator generator;
  private final int target;

  Prompts(TextGenerator generator, int target) {
    this.generator = generator;
    this.target = target;
  }

  /** The shortest run of words from word {@code index} on with at least {@code target} tokens. */
  String prompt(int index) {
    int low = 1;
    int high = WORDS.length;
    while (low < high) {
      int middle = (low + high) / 2;
      if (tokens(words(index, middle)) >= target) {
        high = middle;
      } else {
        low = middle + 1;
      }
    }
    return words(index, low);
  }

  /** The prompt's length in tokens, as the generator counts it. */
  int tokens(String prompt) {
    GenerationParams one = Params.of("max_new_tokens", 1, "do_sample", false, "num_return_sequences", 1);
    return Decoding.generate(generator, List.of(prompt), one).get(0).get(0).promptTokens();
  }

  private static String words(int start, int count) {
    List<String> words = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      words.add(WORDS[(start + i) % WORDS.length]);
    }
    return String.join(" ", words);
  }
}
