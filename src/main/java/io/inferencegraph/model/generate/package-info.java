/**
 * Text generation over the decode engine: a prompt and its parameters become sequences
 * ({@link io.inferencegraph.model.generate.TextGenerator}), requests join a running batch and leave it
 * as they finish ({@link io.inferencegraph.model.generate.ContinuousBatcher}), and text streams out as
 * it becomes stable.
 */
package io.inferencegraph.model.generate;

