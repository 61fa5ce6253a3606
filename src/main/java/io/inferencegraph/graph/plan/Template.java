package io.inferencegraph.graph.plan;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A value in a graph definition that may refer to others: a literal, a whole reference
 * ({@code "$nodes.story.text"}, which keeps the referred value's type), a string with
 * {@code {{nodes.story.text}}} placeholders, or an object or array of templates.
 */
public sealed interface Template {
  /** The value, with every reference resolved by {@code resolve}. */
  Object evaluate(Function<Ref, Object> resolve);

  /** Every reference inside, in order. */
  void refs(Consumer<Ref> sink);

  default List<Ref> refs() {
    List<Ref> refs = new ArrayList<>();
    refs(refs::add);
    return refs;
  }

  /** The nodes it references, in order of first mention. */
  default Set<String> nodes() {
    Set<String> names = new LinkedHashSet<>();
    refs(ref -> {
      if (ref.node() != null) {
        names.add(ref.node());
      }
    });
    return names;
  }

  /** Every reference inside with the JSON Pointer of the value it is written in, {@code pointer} being this one's. */
  default void refs(String pointer, BiConsumer<String, Ref> sink) {
    refs(ref -> sink.accept(pointer, ref));
  }

  record Literal(Object value) implements Template {
    @Override
    public Object evaluate(Function<Ref, Object> resolve) {
      return value;
    }

    @Override
    public void refs(Consumer<Ref> sink) {}
  }

  record Reference(Ref ref) implements Template {
    @Override
    public Object evaluate(Function<Ref, Object> resolve) {
      return resolve.apply(ref);
    }

    @Override
    public void refs(Consumer<Ref> sink) {
      sink.accept(ref);
    }
  }

  /** Text with placeholders: literal parts are strings, placeholders are {@link Ref}s. */
  record Text(List<Object> parts) implements Template {
    @Override
    public Object evaluate(Function<Ref, Object> resolve) {
      StringBuilder text = new StringBuilder();
      for (Object part : parts) {
        text.append(part instanceof Ref ref ? String.valueOf(resolve.apply(ref)) : part);
      }
      return text.toString();
    }

    @Override
    public void refs(Consumer<Ref> sink) {
      parts.stream().filter(Ref.class::isInstance).map(Ref.class::cast).forEach(sink);
    }
  }

  record Obj(Map<String, Template> fields) implements Template {
    @Override
    public Object evaluate(Function<Ref, Object> resolve) {
      JsonObject object = new JsonObject();
      fields.forEach((key, value) -> object.put(key, value.evaluate(resolve)));
      return object;
    }

    @Override
    public void refs(Consumer<Ref> sink) {
      fields.values().forEach(value -> value.refs(sink));
    }

    @Override
    public void refs(String pointer, BiConsumer<String, Ref> sink) {
      fields.forEach((key, value) -> value.refs(pointer + "/" + Problems.escape(key), sink));
    }
  }

  record Arr(List<Template> items) implements Template {
    @Override
    public Object evaluate(Function<Ref, Object> resolve) {
      JsonArray array = new JsonArray();
      items.forEach(item -> array.add(item.evaluate(resolve)));
      return array;
    }

    @Override
    public void refs(Consumer<Ref> sink) {
      items.forEach(item -> item.refs(sink));
    }

    @Override
    public void refs(String pointer, BiConsumer<String, Ref> sink) {
      for (int i = 0; i < items.size(); i++) {
        items.get(i).refs(pointer + "/" + i, sink);
      }
    }
  }

  Pattern PLACEHOLDER = Pattern.compile("\\{\\{([^{}]*)}}");

  /** Parses a definition's JSON value; a malformed reference is reported to {@code problems} at {@code pointer}. */
  static Template parse(Object json, String pointer, Problems problems) {
    if (json instanceof JsonObject object) {
      Map<String, Template> fields = new LinkedHashMap<>();
      object.forEach(e -> fields.put(e.getKey(), parse(e.getValue(), pointer + "/" + Problems.escape(e.getKey()),
          problems)));
      return new Obj(fields);
    }
    if (json instanceof JsonArray array) {
      List<Template> items = new ArrayList<>();
      for (int i = 0; i < array.size(); i++) {
        items.add(parse(array.getValue(i), pointer + "/" + i, problems));
      }
      return new Arr(items);
    }
    if (!(json instanceof String text)) {
      return new Literal(json);
    }
    if (text.startsWith("$")) {
      Ref ref = Ref.parse(text.substring(1));
      if (ref == null) {
        problems.error(pointer, "\"" + text + "\" is not a reference: use $input.FIELD, $nodes.NAME[.FIELD], "
            + "$item, $index or $result");
        return new Literal(text);
      }
      return new Reference(ref);
    }
    Matcher m = PLACEHOLDER.matcher(text);
    List<Object> parts = new ArrayList<>();
    int last = 0;
    while (m.find()) {
      Ref ref = Ref.parse(m.group(1));
      if (ref == null) {
        problems.error(pointer, "\"{{" + m.group(1) + "}}\" is not a reference: use {{input.FIELD}}, "
            + "{{nodes.NAME[.FIELD]}}, {{item}}, {{index}} or {{result}}");
        continue;
      }
      parts.add(text.substring(last, m.start()));
      parts.add(ref);
      last = m.end();
    }
    if (parts.isEmpty()) {
      return new Literal(text);
    }
    parts.add(text.substring(last));
    return new Text(parts);
  }
}
