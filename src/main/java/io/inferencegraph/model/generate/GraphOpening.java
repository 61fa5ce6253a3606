package io.inferencegraph.model.generate;

import ai.onnxruntime.OrtException;
import io.inferencegraph.model.decode.DecoderGraph;
import io.inferencegraph.model.load.DecoderConfig;
import io.inferencegraph.model.load.ModelDirectory;
import io.inferencegraph.model.load.ModelOptions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A decoder's ONNX Runtime session, opened on a thread of its own while the loading thread reads the
 * tokenizer: the session is most of a load (seconds for a real-sized graph), the tokenizer most of
 * the rest, so they overlap. Close it if the load fails: the graph is closed once it is open.
 */
final class GraphOpening implements AutoCloseable {
  private final CompletableFuture<DecoderGraph> graph = new CompletableFuture<>();

  GraphOpening(ModelDirectory dir, DecoderConfig config, ModelOptions options) {
    Thread opener = new Thread(() -> {
      try {
        graph.complete(DecoderGraph.open(dir, config, options));
      } catch (Throwable e) {
        graph.completeExceptionally(e);
      }
    }, "open-" + dir.root().getFileName());
    opener.setDaemon(true);
    opener.start();
  }

  /** The open graph; what opening threw, as it was thrown. */
  DecoderGraph get() {
    try {
      return graph.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error cause) {
        throw cause;
      }
      throw e;
    }
  }

  @Override
  public void close() {
    graph.thenAccept(open -> {
      try {
        open.close();
      } catch (OrtException ignored) {
        // the load failed already; that failure is the one reported
      }
    });
  }
}
