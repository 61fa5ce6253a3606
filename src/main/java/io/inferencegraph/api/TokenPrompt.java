package io.inferencegraph.api;

import java.util.List;

/**
 * A prompt given as token ids of the model's vocabulary (OpenAI's {@code prompt: [1, 2, 3]}): the
 * generator continues exactly these ids, with no round trip through text.
 */
public record TokenPrompt(List<Long> ids) {
  public TokenPrompt {
    ids = List.copyOf(ids);
  }
}
