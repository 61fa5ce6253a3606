package io.inferencegraph.bus;

import io.inferencegraph.api.GenerationParams;
import java.util.List;

/**
 * Asks a generator to continue {@code prompt}, or, when {@code promptIds} is set, those token ids
 * exactly (then {@code prompt} is empty and the answer's text is the continuation only).
 * {@code baseDefaults}, where set, replace Hugging Face's library defaults under the model's own
 * generation settings (OpenAI's door sets {@code top_k} 0: no top-k unless generation_config.json
 * has one); null or empty: the library's.
 * {@code requestId} names the HTTP request it serves, so that later messages (tokens, a cancel) can
 * refer to it. The parameters are the record the edge validated, configured defaults included,
 * carried unchanged; a null field is "not set", left to the model's own default. {@code streamTo},
 * when set, is the address that receives a {@link GenerateEvent} as tokens are decoded.
 */
public record GenerateRequest(String requestId, String prompt, List<Long> promptIds, GenerationParams parameters,
    GenerationParams baseDefaults, String streamTo) {
  public GenerateRequest {
    promptIds = promptIds == null ? null : List.copyOf(promptIds);
  }

  /** A text prompt. */
  public GenerateRequest(String requestId, String prompt, GenerationParams parameters, String streamTo) {
    this(requestId, prompt, null, parameters, null, streamTo);
  }

  public GenerateRequest withRequestId(String id) {
    return new GenerateRequest(id, prompt, promptIds, parameters, baseDefaults, streamTo);
  }

  public GenerateRequest withParameters(GenerationParams params) {
    return new GenerateRequest(requestId, prompt, promptIds, params, baseDefaults, streamTo);
  }
}
