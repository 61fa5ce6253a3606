package io.inferencegraph.bus;

import io.inferencegraph.api.GenerationParams;

/**
 * Asks a generator to continue {@code prompt}. {@code requestId} names the HTTP request it serves,
 * so that later messages (tokens, a cancel) can refer to it. The parameters are the record the edge
 * validated, configured defaults included, carried unchanged; a null field is "not set", left to the
 * model's own default. {@code streamTo}, when set, is the address that receives a
 * {@link GenerateEvent} as tokens are decoded.
 */
public record GenerateRequest(String requestId, String prompt, GenerationParams parameters, String streamTo) {}
