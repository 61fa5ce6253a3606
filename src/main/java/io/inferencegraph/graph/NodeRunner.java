package io.inferencegraph.graph;

import io.inferencegraph.api.Deadline;
import io.inferencegraph.api.ErrorCode;
import io.inferencegraph.api.ServiceException;
import io.inferencegraph.graph.plan.Node;
import io.inferencegraph.graph.plan.Template;
import io.inferencegraph.telemetry.GraphTelemetry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one node of an execution once the nodes it reads are done: a model call, a map over items
 * (one after another, a few at once, or as one batch), or a switch that runs only the case it takes;
 * then applies the node's on_error and tells the listener.
 */
final class NodeRunner {
  private final GraphExecution run;

  NodeRunner(GraphExecution run) {
    this.run = run;
  }

  Future<Object> run(Node node) {
    Future<Object> inputs = node instanceof Node.Switch ? Future.succeededFuture()
        : Future.all(node.reads().stream().map(run::node).toList()).map(done -> null);
    Future<Object> result = inputs.compose(ready -> {
      if (run.cancelled()) {
        return Future.failedFuture(run.cancelledError());
      }
      run.listener().onNodeStarted(node.name());
      GraphTelemetry.Step step = run.step(node);
      return execute(node, run.deadline(node), step).andThen(done -> {
        if (done.succeeded()) {
          step.end("ok");
        } else {
          step.fail(done.cause());
        }
      });
    });
    return result
        .recover(error -> onError(node, error))
        .andThen(done -> {
          if (done.succeeded()) {
            run.listener().onNodeFinished(node.name(), status(node), done.result());
          }
        });
  }

  private Future<Object> execute(Node node, Deadline until, GraphTelemetry.Step step) {
    if (node instanceof Node.Generate generate) {
      return value(generate.prompt(), GraphExecution.Locals.TOP)
          .compose(prompt -> run.generate(generate, node.name(), prompt, until, step.context())).map(Object.class::cast);
    }
    if (node instanceof Node.Classify classify) {
      return value(classify.text(), GraphExecution.Locals.TOP)
          .compose(text -> run.classify(classify, node.name(), List.of(String.valueOf(text)), until, step.context()))
          .map(labels -> labels.getValue(0));
    }
    if (node instanceof Node.MapNode map) {
      return items(map).compose(items -> new MapRun(run, map, items, until, step).start()).map(Object.class::cast);
    }
    return choose((Node.Switch) node, 0);
  }

  /** The first case whose condition holds, tried in order; only its value's nodes run. */
  private Future<Object> choose(Node.Switch node, int index) {
    if (index == node.cases().size()) {
      return node.otherwise() == null ? Future.succeededFuture(null) : value(node.otherwise(), GraphExecution.Locals.TOP);
    }
    Node.Switch.Case c = node.cases().get(index);
    return value(c.when().left(), GraphExecution.Locals.TOP).compose(left -> c.when().test(left)
        ? value(c.then(), GraphExecution.Locals.TOP) : choose(node, index + 1));
  }

  /** The lists a map goes over, in order, as one list of items. */
  private Future<List<Object>> items(Node.MapNode map) {
    List<Future<Object>> lists = map.over().stream().map(t -> value(t, GraphExecution.Locals.TOP)).toList();
    return Future.all(lists).map(all -> {
      List<Object> items = new ArrayList<>();
      for (Future<Object> list : lists) {
        if (list.result() instanceof JsonArray array) {
          array.forEach(items::add);
        } else if (list.result() != null) {
          throw new ServiceException(ErrorCode.INTERNAL, map.name() + ": map over a value that is not a list");
        }
      }
      return items;
    });
  }

  private Future<Object> value(Template template, GraphExecution.Locals scope) {
    return run.value(template, scope);
  }

  private Future<Object> onError(Node node, Throwable error) {
    Node.OnError policy = node.common().onError();
    boolean cancel = error instanceof ServiceException e && e.code() == ErrorCode.CANCELLED;
    if (policy.kind() == Node.OnError.Kind.FAIL || cancel || run.cancelled()) {
      return Future.failedFuture(error);
    }
    boolean skip = policy.kind() == Node.OnError.Kind.SKIP;
    run.outcome(node.name(), skip ? "skipped" : "defaulted");
    return Future.succeededFuture(skip ? null : policy.value());
  }

  private String status(Node node) {
    return run.outcome(node.name());
  }

  /** Items of one map: at most {@code concurrency} in flight (all of them for a batch), results in item order. */
  static final class MapRun {
    private final GraphExecution run;
    private final Node.MapNode map;
    private final List<Object> items;
    private final Deadline until;
    private final GraphTelemetry.Step step;
    private final Object[] results;
    private final Promise<JsonArray> done = Promise.promise();
    private int next;
    private int finished;

    MapRun(GraphExecution run, Node.MapNode map, List<Object> items, Deadline until, GraphTelemetry.Step step) {
      this.run = run;
      this.map = map;
      this.items = items;
      this.until = until;
      this.step = step;
      this.results = new Object[items.size()];
    }

    Future<JsonArray> start() {
      if (items.isEmpty()) {
        return Future.succeededFuture(new JsonArray());
      }
      if (map.batch() && map.apply() instanceof Node.Classify classify) {
        return batch(classify);
      }
      int lanes = map.batch() ? items.size() : Math.min(map.concurrency(), items.size());
      for (int lane = 0; lane < lanes; lane++) {
        launch();
      }
      return done.future();
    }

    /** Every item's text in one request, so the classifier takes them as one batch. */
    private Future<JsonArray> batch(Node.Classify classify) {
      List<Future<Object>> texts = new ArrayList<>();
      for (int i = 0; i < items.size(); i++) {
        texts.add(run.value(classify.text(), new GraphExecution.Locals(items.get(i), i, null)));
      }
      return Future.all(texts)
          .compose(all -> run.classify(classify, map.name(), texts.stream().map(f -> String.valueOf(f.result()))
              .toList(), until, step.context()))
          .compose(labels -> {
            List<Future<Object>> shaped = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
              shaped.add(finish(i, labels.getValue(i)));
            }
            return Future.all(shaped).map(all -> new JsonArray(all.list()));
          });
    }

    private void launch() {
      int index = next++;
      if (index >= items.size() || done.future().isComplete()) {
        return;
      }
      item(index).compose(result -> finish(index, result)).onComplete(result -> {
        if (result.failed()) {
          done.tryFail(result.cause());
          return;
        }
        results[index] = result.result();
        if (++finished == items.size()) {
          done.tryComplete(new JsonArray(new ArrayList<>(List.of(results))));
        } else {
          launch();
        }
      });
    }

    private Future<Object> item(int index) {
      GraphExecution.Locals scope = new GraphExecution.Locals(items.get(index), index, null);
      String callId = map.name() + "/" + index;
      GraphTelemetry.Step item = run.item(step, map.name(), index);
      Future<Object> result;
      if (map.apply() instanceof Node.Generate generate) {
        result = run.value(generate.prompt(), scope)
            .compose(prompt -> run.generate(generate, callId, prompt, until, item.context())).map(Object.class::cast);
      } else {
        Node.Classify classify = (Node.Classify) map.apply();
        result = run.value(classify.text(), scope)
            .compose(text -> run.classify(classify, callId, List.of(String.valueOf(text)), until, item.context()))
            .map(labels -> labels.getValue(0));
      }
      return result.andThen(done -> {
        if (done.succeeded()) {
          item.end("ok");
        } else {
          item.fail(done.cause());
        }
      });
    }

    /** The item's result shaped by the map's output template, and told to the listener. */
    private Future<Object> finish(int index, Object result) {
      Object item = items.get(index);
      Future<Object> shaped = map.itemOutput() == null ? Future.succeededFuture(result)
          : run.value(map.itemOutput(), new GraphExecution.Locals(item, index, result));
      return shaped.andThen(value -> {
        if (value.succeeded()) {
          if (run.graph().legacyEvents() && item instanceof JsonObject source && result instanceof JsonObject label
              && map.apply() instanceof Node.Classify) {
            run.listener().onClassified(source.getString("model"), source.getInteger("index", index), label);
          }
          run.listener().onMapItem(map.name(), index, value.result());
        }
      });
    }
  }
}
