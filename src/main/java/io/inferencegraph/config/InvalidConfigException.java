package io.inferencegraph.config;

import io.inferencegraph.api.ErrorCode;
import io.inferencegraph.api.ServiceException;
import io.inferencegraph.graph.plan.Problems;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.stream.Collectors;

/** A configuration that cannot be used, with every problem at the JSON Pointer of its field: why a reload was refused. */
public final class InvalidConfigException extends ServiceException {
  private final List<Problems.Problem> problems;

  public InvalidConfigException(List<Problems.Problem> problems) {
    this(problems, null);
  }

  /** {@code cause}: the first failure behind the problems (a model that did not load), or null. */
  public InvalidConfigException(List<Problems.Problem> problems, Throwable cause) {
    super(ErrorCode.INVALID_CONFIG, "the configuration was not applied (nothing changed): " + problems.stream()
        .filter(Problems.Problem::error).map(Problems.Problem::toString).collect(Collectors.joining("; ")), cause);
    this.problems = List.copyOf(problems);
  }

  /** The problems of a configuration that failed to load ({@link ConfigException}, {@link GraphConfigException} or else). */
  public static InvalidConfigException of(Throwable failure) {
    if (failure instanceof InvalidConfigException invalid) {
      return invalid;
    }
    if (failure instanceof GraphConfigException graphs) {
      return new InvalidConfigException(graphs.problems());
    }
    if (failure instanceof ConfigException config) {
      return new InvalidConfigException(List.of(new Problems.Problem(true, pointer(config.key()), config.problem())));
    }
    String message = failure.getMessage() == null ? failure.toString() : failure.getMessage();
    return new InvalidConfigException(List.of(new Problems.Problem(true, "", message)));
  }

  public List<Problems.Problem> problems() {
    return problems;
  }

  /** {@code [{"severity", "pointer", "message"}]}, warnings included. */
  public JsonArray problemsJson() {
    return toJson(problems);
  }

  public static JsonArray toJson(List<Problems.Problem> problems) {
    JsonArray list = new JsonArray();
    problems.forEach(p -> list.add(new JsonObject().put("severity", p.error() ? "error" : "warning")
        .put("pointer", p.pointer()).put("message", p.message())));
    return list;
  }

  /**
   * {@code models.gpt2.batching.max_batch_size} as {@code /models/gpt2/batching/max_batch_size};
   * {@code generators[1]} as {@code /generators/1}; the file itself as the whole document, "".
   */
  static String pointer(String key) {
    if (key.equals("file")) {
      return "";
    }
    return "/" + key.replaceAll("\\[(\\d+)]", ".$1").replace("~", "~0").replace("/", "~1").replace(".", "/");
  }
}
