package io.inferencegraph.model;

import ai.onnxruntime.OrtException;
import io.inferencegraph.api.GenerationParams;
import io.inferencegraph.model.decode.DecodeBatch;
import io.inferencegraph.model.decode.Sequence;
import io.inferencegraph.model.generate.Generation;
import io.inferencegraph.model.generate.TextGenerator;
import java.util.ArrayList;
import java.util.List;

/**
 * The plainest decode loop over a {@link DecodeBatch}: every prompt's sequences admitted at once,
 * stepped until all are done. What the model layer gives when called directly, for tests to hold
 * the batcher and the service against.
 */
public final class Decoding {
  private Decoding() {}

  /** For each prompt, its {@code num_return_sequences} generations, all decoded together. */
  public static List<List<Generation>> generate(TextGenerator generator, List<String> prompts,
      GenerationParams params) {
    List<List<Sequence>> sequences = new ArrayList<>();
    for (String prompt : prompts) {
      sequences.add(generator.prepare(prompt, params));
    }
    try (DecodeBatch batch = generator.newBatch()) {
      batch.admit(sequences.stream().flatMap(List::stream).toList());
      batch.evictFinished();
      while (batch.size() > 0) {
        batch.step();
        batch.evictFinished();
      }
    } catch (OrtException e) {
      throw new IllegalStateException(generator.name() + ": ONNX Runtime failed: " + e.getMessage(), e);
    }
    List<List<Generation>> results = new ArrayList<>();
    for (int i = 0; i < prompts.size(); i++) {
      String prompt = prompts.get(i);
      results.add(sequences.get(i).stream().map(s -> generator.finish(prompt, s)).toList());
    }
    return results;
  }

  /** The one generation of one prompt. */
  public static Generation one(TextGenerator generator, String prompt, GenerationParams params) {
    return generate(generator, List.of(prompt), params).get(0).get(0);
  }
}
