package io.inferencegraph.config;

import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The parts of the graph this node runs: the HTTP edge, some generators (by name), the classifier.
 * Every node knows the whole graph from the configuration; roles only decide what it loads and serves.
 */
public record Roles(boolean http, Set<String> generators, boolean classifier) {
  public static final String KEY = "roles";

  public Roles {
    generators = Set.copyOf(generators);
  }

  /** Everything on one node: the default. */
  public static Roles all(List<String> generatorNames) {
    return new Roles(true, new LinkedHashSet<>(generatorNames), true);
  }

  public boolean servesGenerator(String name) {
    return generators.contains(name);
  }

  /** Whether this node loads any model at all. */
  /** Whether this node loads {@code model}. */
  public boolean serves(ModelConfig model) {
    return model.kind() == ModelConfig.Kind.GENERATOR ? servesGenerator(model.name()) : classifier;
  }

  public boolean servesModels() {
    return classifier || !generators.isEmpty();
  }

  /**
   * Parses {@code "http,generators"} or {@code ["http", "generator:gpt2", "classifier"]}; null means all.
   * {@code generators} names every configured generator, {@code generator:NAME} one of them.
   */
  static Roles parse(Object value, List<String> generatorNames) {
    if (value == null) {
      return all(generatorNames);
    }
    List<String> names = new ArrayList<>();
    if (value instanceof String text) {
      names.addAll(List.of(text.split(",")));
    } else if (value instanceof JsonArray array) {
      array.forEach(item -> names.add(String.valueOf(item)));
    } else {
      throw new ConfigException(KEY, "must be a comma-separated string or an array, got " + value);
    }
    boolean http = false;
    boolean classifier = false;
    Set<String> generators = new LinkedHashSet<>();
    for (String raw : names) {
      String role = raw.trim();
      switch (role) {
        case "all" -> {
          return all(generatorNames);
        }
        case "http" -> http = true;
        case "generators" -> generators.addAll(generatorNames);
        case "classifier" -> classifier = true;
        default -> generators.add(generator(role, generatorNames));
      }
    }
    if (!http && generators.isEmpty() && !classifier) {
      throw new ConfigException(KEY, "names no role; use http, generators, generator:NAME, classifier or all");
    }
    return new Roles(http, generators, classifier);
  }

  private static String generator(String role, List<String> generatorNames) {
    if (!role.startsWith("generator:")) {
      throw new ConfigException(KEY, "unknown role '" + role
          + "'; use http, generators, generator:NAME, classifier or all");
    }
    String name = role.substring("generator:".length());
    if (!generatorNames.contains(name)) {
      throw new ConfigException(KEY, "generator '" + name + "' is not configured; generators are " + generatorNames);
    }
    return name;
  }
}
