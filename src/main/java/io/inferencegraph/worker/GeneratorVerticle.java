package io.inferencegraph.worker;

import io.inferencegraph.api.Deadline;
import io.inferencegraph.api.GenerationParams;
import io.inferencegraph.api.TokenLogprob;
import io.inferencegraph.bus.Addresses;
import io.inferencegraph.bus.GenerateEvent;
import io.inferencegraph.bus.GenerateReply;
import io.inferencegraph.bus.GenerateRequest;
import io.inferencegraph.bus.Timing;
import io.inferencegraph.model.batch.BatchLimits;
import io.inferencegraph.model.batch.BatchObserver;
import io.inferencegraph.model.generate.ContinuousBatcher;
import io.inferencegraph.model.generate.Generation;
import io.inferencegraph.model.generate.TextGenerator;
import io.inferencegraph.model.generate.TokenListener;
import io.inferencegraph.telemetry.InferenceStats;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Serves one text-generation model on its address. Each instance runs its own continuous batch
 * over the shared model: requests join the batch and are answered as their sequences finish.
 */
public final class GeneratorVerticle extends ModelVerticle<GenerateRequest, ContinuousBatcher.Result> {
  private final TextGenerator generator;
  private final BatchLimits limits;
  private final BatchObserver observer;
  private ContinuousBatcher batcher;

  public GeneratorVerticle(String name, TextGenerator generator, BatchLimits limits, BatchObserver observer,
      Drain drain) {
    super(name, Addresses.generator(name), "generate", GenerateRequest.class, drain);
    this.generator = generator;
    this.limits = limits;
    this.observer = observer;
  }

  @Override
  ContinuousBatcher openBatcher() {
    batcher = ContinuousBatcher.start(generator, limits, observer);
    return batcher;
  }

  @Override
  CompletableFuture<ContinuousBatcher.Result> submit(GenerateRequest request, Deadline deadline) {
    TokenListener listener = request.streamTo() == null ? TokenListener.NONE : new Streamer(request);
    // The request's base defaults go under the model's own settings: resolved here, the generator's own
    // library defaults below them no longer show.
    GenerationParams params = request.baseDefaults() == null ? request.parameters()
        : generator.defaults(request.baseDefaults()).overriddenBy(request.parameters());
    if (request.promptIds() == null) {
      return batcher.submit(request.prompt(), params, listener, deadline);
    }
    long[] ids = request.promptIds().stream().mapToLong(Long::longValue).toArray();
    // A token-id prompt has no text of its own: each answer's text is the continuation only.
    return batcher.submit("", generator.prepare(ids, params), listener, deadline);
  }

  @Override
  String requestId(GenerateRequest request) {
    return request.requestId();
  }

  /** Sends each decoded delta to the requester's stream address, from the batch loop's thread. */
  private final class Streamer implements TokenListener {
    private final GenerateRequest request;

    Streamer(GenerateRequest request) {
      this.request = request;
    }

    @Override
    public void onToken(int index, String text, List<TokenLogprob> logprobs) {
      vertx.eventBus().send(request.streamTo(), new GenerateEvent(request.requestId(), name, index, text, null,
          logprobs.isEmpty() ? null : logprobs));
    }

    @Override
    public void onFinished(int index, Generation generation) {
      vertx.eventBus().send(request.streamTo(),
          new GenerateEvent(request.requestId(), name, index, "", sequence(generation)));
    }
  }

  @Override
  GenerateReply reply(GenerateRequest request, ContinuousBatcher.Result result, Timing timing) {
    return new GenerateReply(request.requestId(), name,
        result.generations().stream().map(GeneratorVerticle::sequence).toList(), timing);
  }

  @Override
  InferenceStats stats(ContinuousBatcher.Result result) {
    return Inferences.of(result);
  }

  private static GenerateReply.Sequence sequence(Generation g) {
    return new GenerateReply.Sequence(g.generatedText(), g.promptTokens(), g.newTokens(), g.promptTruncated(),
        g.finishReason(), g.logprobs());
  }
}
