package io.inferencegraph.http;

import io.inferencegraph.api.ErrorCode;
import io.inferencegraph.api.GenerationParams;
import io.inferencegraph.api.JsonValues;
import io.inferencegraph.api.ServiceException;
import io.inferencegraph.graph.plan.GraphDef;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A validated graph request: a fresh id, the graph's input fields and the request's generation
 * parameters, parsed and checked here once. A graph with one string input also takes a
 * {@code text/plain} body; every graph takes {@code application/json} {@code {FIELD: ..., "parameters": {...}}}.
 */
public record GraphRequest(String id, JsonObject input, GenerationParams params) {

  public static GraphRequest parse(RoutingContext ctx, GraphDef graph, int maxNewTokensLimit) {
    String type = mediaType(ctx.request().getHeader("Content-Type"));
    String body = ctx.body().asString("UTF-8");
    String only = onlyStringInput(graph);
    GraphRequest request = switch (type) {
      case "", "text/plain" -> {
        if (only == null) {
          throw new ServiceException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "graph " + graph.name()
              + " takes several inputs: send application/json with " + fields(graph));
        }
        yield new GraphRequest(newId(), new JsonObject().put(only, body == null ? "" : body), GenerationParams.none());
      }
      case "application/json" -> fromJson(body, graph);
      default -> throw new ServiceException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          "Content-Type " + type + " is not supported; send " + (only == null ? "" : "text/plain or ")
              + "application/json");
    };
    request.checkInput(graph);
    request.checkLimits(maxNewTokensLimit);
    return request;
  }

  private static GraphRequest fromJson(String body, GraphDef graph) {
    JsonObject json = JsonBody.object(body, example(graph));
    JsonObject input = new JsonObject();
    for (Map.Entry<String, String> field : graph.input().entrySet()) {
      Object value = json.getValue(field.getKey());
      if (!matches(field.getValue(), value)) {
        throw ServiceException.invalid(field.getKey(), json.containsKey(field.getKey())
            ? "must be " + article(field.getValue()) + ", got " + JsonValues.describe(value)
            : "is missing: send " + article(field.getValue()));
      }
      input.put(field.getKey(), value);
    }
    Object parameters = json.getValue("parameters");
    if (parameters != null && !(parameters instanceof JsonObject)) {
      throw ServiceException.invalid("parameters", "must be an object, got " + JsonValues.describe(parameters));
    }
    for (String key : json.fieldNames()) {
      if (!graph.input().containsKey(key) && !key.equals("parameters")) {
        throw ServiceException.invalid(key, "unknown field; known: " + fields(graph));
      }
    }
    GenerationParams given = parameters == null ? GenerationParams.none()
        : GenerationParams.parse(((JsonObject) parameters).getMap());
    return new GraphRequest(newId(), input, given);
  }

  private void checkInput(GraphDef graph) {
    for (Map.Entry<String, String> field : graph.input().entrySet()) {
      if (input.getValue(field.getKey()) instanceof String text && text.isBlank()) {
        throw new ServiceException(ErrorCode.EMPTY_PROMPT, field.getKey().equals("text")
            ? "the prompt text is empty" : field.getKey() + ": is empty");
      }
    }
  }

  private void checkLimits(int limit) {
    if (params.maxNewTokens() != null && params.maxNewTokens() > limit) {
      throw ServiceException.invalid("max_new_tokens", "must be at most " + limit);
    }
    if (params.maxLength() != null && params.maxLength() > limit) {
      throw ServiceException.invalid("max_length", "must be at most " + limit);
    }
  }

  private static boolean matches(String type, Object value) {
    return switch (type) {
      case "string" -> value instanceof String;
      case "number" -> value instanceof Number;
      case "boolean" -> value instanceof Boolean;
      case "list" -> value instanceof JsonArray;
      default -> value instanceof JsonObject;
    };
  }

  /** A body this graph takes, for error messages: {"text": "...", "parameters": {...}}. */
  private static String example(GraphDef graph) {
    StringBuilder example = new StringBuilder("{");
    graph.input().forEach((name, type) -> example.append('"').append(name).append("\": ").append(switch (type) {
      case "string" -> "\"...\"";
      case "number" -> "1";
      case "boolean" -> "true";
      case "list" -> "[...]";
      default -> "{...}";
    }).append(", "));
    return example.append("\"parameters\": {...}}").toString();
  }

  private static String article(String type) {
    return switch (type) {
      case "boolean" -> "true or false";
      case "object" -> "an object";
      default -> "a " + type;
    };
  }

  /** The input's name when the graph takes exactly one string, else null. */
  private static String onlyStringInput(GraphDef graph) {
    return graph.input().size() == 1 && graph.input().containsValue("string")
        ? graph.input().keySet().iterator().next() : null;
  }

  private static String fields(GraphDef graph) {
    List<String> known = new ArrayList<>(graph.input().keySet());
    known.add("parameters");
    return String.join(", ", known);
  }

  private static String newId() {
    return UUID.randomUUID().toString();
  }

  private static String mediaType(String header) {
    if (header == null) {
      return "";
    }
    int semicolon = header.indexOf(';');
    return (semicolon < 0 ? header : header.substring(0, semicolon)).trim().toLowerCase();
  }
}
