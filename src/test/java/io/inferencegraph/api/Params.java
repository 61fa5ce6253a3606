package io.inferencegraph.api;

import java.util.LinkedHashMap;
import java.util.Map;

/** Generation parameters by their Hugging Face names, as a request would send them, for tests. */
public final class Params {
  private Params() {}

  /** {@code of("max_new_tokens", 24, "do_sample", true)}: parsed as a request's parameters are. */
  public static GenerationParams of(Object... namesAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      map.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return GenerationParams.parse(map);
  }
}
