package io.inferencegraph.graph.plan;

import io.inferencegraph.api.GenerationParams;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One step of a graph, with what every step has: its name, a timeout of its own (0: only the
 * request's deadline) and what a failure of it does to the request.
 */
public sealed interface Node {
  String name();

  Common common();

  /** Every template the node reads, for its references. */
  List<Template> templates();

  /** The nodes it reads, in order of first mention: what must be done before it runs (a switch's cases aside). */
  default Set<String> reads() {
    Set<String> names = new LinkedHashSet<>();
    templates().forEach(template -> names.addAll(template.nodes()));
    return names;
  }

  /** What a node's failure does: fail the request, leave the node's output null, or use a default value. */
  record OnError(Kind kind, Object value) {
    public enum Kind { FAIL, SKIP, DEFAULT }

    public static final OnError FAIL = new OnError(Kind.FAIL, null);
  }

  record Common(long timeoutMs, OnError onError) {
    public static final Common DEFAULT = new Common(0, OnError.FAIL);
  }

  /**
   * A text-generation model continuing {@code prompt} with {@code parameters}, which a request's
   * parameters override unless {@code requestParameters} is false (the graph fixes them).
   */
  record Generate(String name, String model, Template prompt, GenerationParams parameters,
      boolean requestParameters, Common common) implements Node {
    @Override
    public List<Template> templates() {
      return List.of(prompt);
    }
  }

  /** A text-classification model over {@code text}: its label, score and every label's score. */
  record Classify(String name, String model, Template text, Common common) implements Node {
    @Override
    public List<Template> templates() {
      return List.of(text);
    }
  }

  /**
   * {@code apply} over every item of the lists {@code over} names, one after another
   * ({@code concurrency} 1), several at once, or all items in one batch; results in item order, each
   * shaped by {@code itemOutput} ({@code $item}, {@code $index}, {@code $result}) when given.
   */
  record MapNode(String name, List<Template> over, Node apply, int concurrency, boolean batch, Template itemOutput,
      Common common) implements Node {
    @Override
    public List<Template> templates() {
      List<Template> all = new ArrayList<>(over);
      all.addAll(apply.templates());
      if (itemOutput != null) {
        all.add(itemOutput);
      }
      return all;
    }
  }

  /** The value of the first case whose condition holds, else {@code otherwise}; untaken cases never run. */
  record Switch(String name, List<Case> cases, Template otherwise, Common common) implements Node {
    /** {@code when} holds: the switch's value is {@code then}. */
    public record Case(Condition when, Template then) {}

    @Override
    public List<Template> templates() {
      List<Template> all = new ArrayList<>();
      cases.forEach(c -> {
        all.add(c.when().left());
        all.add(c.then());
      });
      if (otherwise != null) {
        all.add(otherwise);
      }
      return all;
    }
  }
}
