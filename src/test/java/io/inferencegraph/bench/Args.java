package io.inferencegraph.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code --name value} options and positional arguments; an unknown option is an error. */
final class Args {
  final List<String> positional = new ArrayList<>();
  private final Map<String, String> options = new HashMap<>();

  Args(String[] args, Set<String> known, Set<String> switches) {
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        positional.add(arg);
        continue;
      }
      String name = arg.substring(2);
      if (!known.contains(name) && !switches.contains(name)) {
        throw new IllegalArgumentException("unknown option " + arg + "; known: --" + String.join(", --", known)
            + (switches.isEmpty() ? "" : ", --" + String.join(", --", switches)));
      }
      if (switches.contains(name)) {
        options.put(name, "true");
      } else if (i + 1 < args.length) {
        options.put(name, args[++i]);
      } else {
        throw new IllegalArgumentException("missing value after " + arg);
      }
    }
  }

  boolean has(String name) {
    return options.containsKey(name);
  }

  String string(String name, String fallback) {
    return options.getOrDefault(name, fallback);
  }

  int integer(String name, int fallback, int min) {
    int value = has(name) ? Integer.parseInt(options.get(name)) : fallback;
    if (value < min) {
      throw new IllegalArgumentException("--" + name + " must be >= " + min + ", got " + value);
    }
    return value;
  }

  double number(String name, double fallback) {
    return has(name) ? Double.parseDouble(options.get(name)) : fallback;
  }

  int[] integers(String name, String fallback) {
    return Arrays.stream(string(name, fallback).split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
  }
}
