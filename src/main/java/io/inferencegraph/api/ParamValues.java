package io.inferencegraph.api;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a generation parameter's JSON value (as Jackson, Gson or Vert.x give it: numbers of any
 * width, lists or JsonArrays) into its {@link GenerationParams} component's type, refusing a wrong
 * type with a message that names the parameter.
 */
final class ParamValues {
  private static final String TOKEN_ID_LISTS = "must be a list of lists of token ids (integers >= 0), such as "
      + "[[42], [7, 19]], got ";

  private ParamValues() {}

  /** {@code value} as a component of generic type {@code type}; null stays null (not set). */
  static Object convert(String key, Type type, Object value) {
    if (value == null) {
      return null;
    }
    if (type instanceof ParameterizedType list) {
      return list.getActualTypeArguments()[0] == String.class ? strings(key, value) : tokenIdLists(key, value);
    }
    if (type == Boolean.class) {
      if (value instanceof Boolean) {
        return value;
      }
      throw ServiceException.invalid(key, "must be true or false, got " + JsonValues.describe(value));
    }
    if (!(value instanceof Number number)) {
      throw ServiceException.invalid(key, (type == Double.class ? "must be a number, got " : "must be an integer, got ")
          + JsonValues.describe(value));
    }
    if (type == Double.class) {
      return number.doubleValue();
    }
    long whole = wholeNumber(key, number);
    if (type == Long.class) {
      return whole;
    }
    if (whole > Integer.MAX_VALUE || whole < Integer.MIN_VALUE) {
      throw ServiceException.invalid(key, "out of range: " + whole);
    }
    return (int) whole;
  }

  /** A string or a list of non-empty strings (transformers' stop_strings takes either). */
  private static List<String> strings(String key, Object value) {
    List<String> strings = new ArrayList<>();
    for (Object item : value instanceof Iterable<?> list ? list : List.of(value)) {
      if (!(item instanceof String s) || s.isEmpty()) {
        throw ServiceException.invalid(key, "must be a non-empty string or a list of them, got " + item);
      }
      strings.add(s);
    }
    return strings;
  }

  /** transformers' bad_words_ids: a list of token-id lists; ranges are checked by GenerationParams' constructor. */
  private static List<List<Long>> tokenIdLists(String key, Object value) {
    if (!(value instanceof Iterable<?> lists)) {
      throw ServiceException.invalid(key, TOKEN_ID_LISTS + JsonValues.describe(value));
    }
    List<List<Long>> result = new ArrayList<>();
    for (Object list : lists) {
      if (!(list instanceof Iterable<?> ids)) {
        throw ServiceException.invalid(key, TOKEN_ID_LISTS + "an item " + JsonValues.describe(list));
      }
      List<Long> word = new ArrayList<>();
      for (Object id : ids) {
        if (!(id instanceof Number number) || !isWhole(number)) {
          throw ServiceException.invalid(key, TOKEN_ID_LISTS + "the token id " + JsonValues.describe(id));
        }
        word.add(number.longValue());
      }
      result.add(word);
    }
    return result;
  }

  private static long wholeNumber(String key, Number number) {
    if (isWhole(number)) {
      return number.longValue();
    }
    throw ServiceException.invalid(key, "must be an integer, got " + number);
  }

  private static boolean isWhole(Number number) {
    if (number instanceof Long || number instanceof Integer || number instanceof Short) {
      return true;
    }
    double value = number.doubleValue();
    return value == Math.rint(value) && Math.abs(value) < 0x1p53;
  }
}
