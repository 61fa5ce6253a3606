package io.inferencegraph.graph;

import io.inferencegraph.api.Deadline;
import io.inferencegraph.api.ErrorCode;
import io.inferencegraph.api.ServiceException;
import io.inferencegraph.bus.Addresses;
import io.inferencegraph.bus.CancelRequest;
import io.inferencegraph.bus.ClassifyReply;
import io.inferencegraph.bus.ClassifyRequest;
import io.inferencegraph.bus.Failure;
import io.inferencegraph.bus.GenerateEvent;
import io.inferencegraph.bus.GenerateReply;
import io.inferencegraph.bus.GenerateRequest;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One request through the graph: the generators in parallel (streaming their tokens to the
 * listener when it listens), then the classifier for each text in order. {@link #cancel} stops it
 * between steps and tells the generators to drop its work. Lives on the requester's event loop.
 */
public final class GraphRun {
  private final InferenceGraph graph;
  private final List<String> generators;
  private final boolean classified;
  private final GenerateRequest request;
  private final Deadline deadline;
  private final GraphListener listener;
  private final Future<List<Answer>> answers;
  private boolean cancelled;
  private List<Future<GenerateReply>> calls = List.of();

  GraphRun(InferenceGraph graph, List<String> generators, boolean classified, GenerateRequest request,
      Deadline deadline, GraphListener listener) {
    this.graph = graph;
    this.generators = generators;
    this.classified = classified;
    this.request = request;
    this.deadline = deadline;
    this.listener = listener;
    this.answers = request.streamTo() == null ? generateAll().compose(this::classifyInOrder) : streamed();
  }

  /** One answer per generated sequence, generators in order; without classification when only generating. */
  public Future<List<Answer>> answers() {
    return answers;
  }

  /** The client went away: no further step starts, and every generator drops the request's work. */
  public void cancel() {
    if (answers.isComplete() || cancelled) {
      return;
    }
    cancelled = true;
    for (String model : generators) {
      graph.bus().publish(Addresses.cancel(model), new CancelRequest(request.requestId()));
    }
  }

  private Future<List<Answer>> streamed() {
    MessageConsumer<GenerateEvent> events = graph.bus().consumer(request.streamTo(), message -> onEvent(message.body()));
    // On a clustered bus the generators can reach the address only once its registration is done.
    Future<List<Answer>> answers = events.completion()
        .compose(ready -> generateAll())
        .compose(this::classifyInOrder);
    // A generator sends its events before its reply: once every call is answered, no event can still come.
    answers.onComplete(done -> Future.join(calls).onComplete(all -> events.unregister()));
    return answers;
  }

  private void onEvent(GenerateEvent event) {
    if (cancelled) {
      return;
    }
    if (!event.text().isEmpty()) {
      listener.onToken(event.model(), event.index(), event.text());
    }
    if (event.finished() != null) {
      listener.onGenerated(event.model(), event.index(), event.finished());
    }
  }

  private Future<List<GenerateReply>> generateAll() {
    calls = generators.stream()
        .map(model -> this.<GenerateReply>ask("generator", model, Addresses.generator(model), request))
        .toList();
    return Future.all(calls).map(all -> all.list());
  }

  private Future<List<Answer>> classifyInOrder(List<GenerateReply> replies) {
    if (!classified) {
      return Future.succeededFuture(replies.stream().flatMap(reply -> reply.sequences().stream()
          .map(sequence -> new Answer(reply, sequence, null))).toList());
    }
    Future<List<Answer>> answers = Future.succeededFuture(new ArrayList<>());
    for (GenerateReply reply : replies) {
      for (int i = 0; i < reply.sequences().size(); i++) {
        GenerateReply.Sequence sequence = reply.sequences().get(i);
        int index = i;
        answers = answers.compose(list -> classify(sequence).map(classified -> {
          listener.onClassified(reply.model(), index, classified);
          list.add(new Answer(reply, sequence, classified));
          return list;
        }));
      }
    }
    return answers;
  }

  private Future<ClassifyReply> classify(GenerateReply.Sequence sequence) {
    String model = graph.classifier();
    return ask("classifier", model, Addresses.classifier(model), new ClassifyRequest(request.requestId(), sequence.text()));
  }

  private <T> Future<T> ask(String stage, String model, String address, Object message) {
    if (cancelled) {
      return Future.failedFuture(cancelled());
    }
    DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(graph.timeoutMs());
    if (!deadline.isNone()) {
      long remaining = deadline.remainingMillis();
      if (remaining <= 0) {
        return Future.failedFuture(new ServiceException(ErrorCode.TIMEOUT,
            stage + " " + model + ": the request's deadline passed before this step"));
      }
      delivery.setSendTimeout(Math.min(graph.timeoutMs(), remaining))
          .addHeader(Addresses.REMAINING_MS_HEADER, Long.toString(remaining));
    }
    return graph.bus().<T>request(address, message, delivery)
        .map(Message::body)
        .recover(error -> Future.failedFuture(cancelled ? cancelled()
            : Failure.toServiceException(stage + " " + model, error)));
  }

  /** The run was cancelled (its client went away): the graph stopped before its next step. */
  private ServiceException cancelled() {
    return new ServiceException(ErrorCode.CANCELLED, "request " + request.requestId() + " was cancelled");
  }
}
