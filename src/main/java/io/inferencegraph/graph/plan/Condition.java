package io.inferencegraph.graph.plan;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A switch case's test: a reference compared with a literal, as in {@code $nodes.mood.label == "NEGATIVE"}
 * or {@code $nodes.mood.score < 0.6}. Strings compare with {@code ==} and {@code !=}; numbers with any
 * of {@code == != < <= > >=}; {@code true}, {@code false} and {@code null} are literals too.
 */
public record Condition(Template left, String op, Object right, String source) {
  private static final Pattern FORM = Pattern.compile(
      "\\s*(\\$[A-Za-z0-9_.-]+)\\s*(==|!=|<=|>=|<|>)\\s*(\"[^\"]*\"|'[^']*'|-?[0-9.]+(?:[eE][-+]?[0-9]+)?|true|false|null)\\s*");

  /** Parses {@code source}; a malformed one is reported at {@code pointer} and gives null. */
  static Condition parse(String source, String pointer, Problems problems) {
    Matcher m = FORM.matcher(source);
    if (!m.matches()) {
      problems.error(pointer, "\"" + source + "\" is not a condition: write REFERENCE OP VALUE, e.g. "
          + "$nodes.mood.label == \"NEGATIVE\" or $nodes.mood.score < 0.6");
      return null;
    }
    Template left = Template.parse(m.group(1), pointer, problems);
    String literal = m.group(3);
    Object right;
    if (literal.startsWith("\"") || literal.startsWith("'")) {
      right = literal.substring(1, literal.length() - 1);
    } else if (literal.equals("true") || literal.equals("false")) {
      right = Boolean.parseBoolean(literal);
    } else if (literal.equals("null")) {
      right = null;
    } else {
      try {
        right = Double.parseDouble(literal);
      } catch (NumberFormatException e) {
        problems.error(pointer, "\"" + literal + "\" is not a number");
        return null;
      }
    }
    String op = m.group(2);
    if (!(right instanceof Double) && !op.equals("==") && !op.equals("!=")) {
      problems.error(pointer, "\"" + op + "\" compares numbers; " + literal + " is not one");
      return null;
    }
    return new Condition(left, op, right, source.trim());
  }

  /** Whether it holds for {@code value}, the left side's value; a number compared with a non-number does not. */
  public boolean test(Object value) {
    if (right instanceof Double number) {
      if (!(value instanceof Number actual)) {
        return op.equals("!=");
      }
      int order = Double.compare(actual.doubleValue(), number);
      return switch (op) {
        case "==" -> order == 0;
        case "!=" -> order != 0;
        case "<" -> order < 0;
        case "<=" -> order <= 0;
        case ">" -> order > 0;
        default -> order >= 0;
      };
    }
    boolean equal = Objects.equals(value, right);
    return op.equals("==") == equal;
  }
}
