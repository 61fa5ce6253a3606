package io.inferencegraph.bus;

/**
 * Asks a generator to continue {@code prompt}. {@code requestId} names the HTTP request it serves,
 * so that later messages (tokens, a cancel) can refer to it. The parameters were validated at the
 * edge, configured defaults included; a null field is "not set", left to the model's own default.
 * {@code streamTo}, when set, is the address that receives a {@link GenerateEvent} as tokens are decoded.
 */
public record GenerateRequest(String requestId, String prompt, Parameters parameters, String streamTo) {

  /** A request answered once, when its sequences are done. */
  public GenerateRequest(String requestId, String prompt, Parameters parameters) {
    this(requestId, prompt, parameters, null);
  }

  /** Hugging Face's generation parameters, as the edge resolved them. */
  public record Parameters(
      Integer maxLength,
      Integer maxNewTokens,
      Integer minNewTokens,
      Boolean doSample,
      Double temperature,
      Integer topK,
      Double topP,
      Long seed,
      Integer numReturnSequences) {}
}
