package io.inferencegraph.graph.plan;

import io.inferencegraph.api.GenerationParams;
import io.inferencegraph.config.ConfigException;
import io.inferencegraph.config.ConfigLoader;
import io.inferencegraph.config.GraphConfig;
import io.inferencegraph.config.GraphConfigException;
import io.inferencegraph.config.ModelSource;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Broken configurations go through the whole loader (ConfigLoader.parse over the fixtures in models/)
 * and each test asserts the exact list of problems, in order: nothing missing, nothing extra.
 */
@DisplayName("A graph configuration is checked at load, every problem reported at once with its JSON Pointer")
class GraphValidationTest {
  private static final String NOT_A_LIST = " is not a list; a map goes over a list input, a generate node's "
      + "\".sequences\" or another map's results";
  private static final String BAD_REF = " is not a reference: use $input.FIELD, $nodes.NAME[.FIELD], $item, $index "
      + "or $result";
  private static final String UNUSED = "is never used by the output (nor by a node it uses), so it never runs";
  private static final String CASE_SHAPE = "a case is {\"when\": CONDITION, \"then\": VALUE}";

  /** writer and editor generate (the gpt2-tiny and distilgpt2-tiny fixtures); judge classifies (bert-tiny). */
  static JsonObject config(String graphs) {
    return new JsonObject().put("models_dir", "models").put("models", new JsonObject()
            .put("writer", model("gpt2-tiny", "text-generation"))
            .put("editor", model("distilgpt2-tiny", "text-generation"))
            .put("judge", model("bert-tiny-classifier", "text-classification")))
        .put("graphs", new JsonObject(graphs));
  }

  private static JsonObject model(String path, String task) {
    return new JsonObject().put("path", path).put("task", task);
  }

  /** One graph, g, with the inputs text (a string) and texts (a list). */
  static String graph(String nodes, String output) {
    return "{\"g\": {\"input\": {\"text\": \"string\", \"texts\": \"list\"}, \"nodes\": " + nodes
        + ", \"output\": " + output + "}}";
  }

  /** Every problem of a configuration that must be refused, as {@code graphs check} prints it. */
  static List<String> refused(String graphs) {
    GraphConfigException refusal = catchThrowableOfType(() -> ConfigLoader.parse(config(graphs)),
        GraphConfigException.class);
    assertThat(refusal).as("the configuration should be refused").isNotNull();
    return refusal.problems().stream().map(Problems.Problem::toString).toList();
  }

  static GraphConfig loads(String graphs) {
    return ConfigLoader.parse(config(graphs));
  }

  static GraphDef loadsOne(String graphs) {
    GraphConfig config = loads(graphs);
    assertThat(config.warnings()).isEmpty();
    return config.graphs().get(0);
  }

  @Nested
  @DisplayName("Models and tasks")
  class Models {
    @Test
    @DisplayName("a node naming a model the configuration does not declare is refused, with the models it has")
    void unknownModel() {
      assertThat(refused(graph("""
          {"story": {"generate": "gpt5", "prompt": "$input.text"},
           "mood": {"classify": 7, "text": "$nodes.story.text"}}""", "\"$nodes.mood\""))).containsExactly(
          "error at /graphs/g/nodes/story/generate: unknown model \"gpt5\"; models: [editor, judge, writer]",
          "error at /graphs/g/nodes/mood/classify: unknown model 7; models: [editor, judge, writer]");
    }

    @Test
    @DisplayName("classify on a generator and generate on a classifier are refused, inside a map's apply too")
    void taskMismatch() {
      assertThat(refused(graph("""
          {"mood": {"classify": "writer", "text": "$input.text"},
           "story": {"generate": "judge", "prompt": "$input.text"},
           "each": {"map": "$input.texts", "apply": {"classify": "editor", "text": "$item"}}}""",
          "[\"$nodes.mood\", \"$nodes.story\", \"$nodes.each\"]"))).containsExactly(
          "error at /graphs/g/nodes/mood/classify: model \"writer\" is a text-generation model; classify needs a "
              + "text-classification model",
          "error at /graphs/g/nodes/story/generate: model \"judge\" is a text-classification model; generate needs a "
              + "text-generation model",
          "error at /graphs/g/nodes/each/apply/classify: model \"editor\" is a text-generation model; classify needs "
              + "a text-classification model");
    }

    @Test
    @DisplayName("a model's task must be one of the two; unset, it comes from the fixture's architectures")
    void tasks() {
      JsonObject json = config(graph("{\"story\": {\"generate\": \"writer\", \"prompt\": \"$input.text\"}}",
          "\"$nodes.story\""));
      json.getJsonObject("models").getJsonObject("judge").put("task", "sentiment");
      assertThatThrownBy(() -> ConfigLoader.parse(json)).isInstanceOf(ConfigException.class).hasMessage(
          "config models.judge.task: must be text-generation or text-classification, got sentiment");
      json.getJsonObject("models").getJsonObject("judge").remove("task");
      json.getJsonObject("models").getJsonObject("writer").remove("task");
      assertThat(ConfigLoader.parse(json).classifiers()).extracting(m -> m.name()).containsExactly("judge");
    }
  }

  @Nested
  @DisplayName("References")
  class References {
    @Test
    @DisplayName("a reference to a node that does not exist is refused where it is written, with the nodes there are")
    void unknownNode() {
      assertThat(refused(graph("""
          {"story": {"generate": "writer", "prompt": "$input.text"},
           "mood": {"classify": "judge", "text": "$nodes.stroy.text"}}""",
          "{\"story\": \"$nodes.story.text\", \"mood\": \"$nodes.mood\", \"extra\": [1, \"$nodes.ghost\"]}")))
          .containsExactly(
              "error at /graphs/g/nodes/mood/text: $nodes.stroy.text: no node \"stroy\"; nodes: [mood, story]",
              "error at /graphs/g/output/extra/1: $nodes.ghost: no node \"ghost\"; nodes: [mood, story]");
    }

    @Test
    @DisplayName("a reference to an input the graph does not declare is refused, whole or in a {{template}}")
    void undefinedInput() {
      assertThat(refused(graph("""
          {"story": {"generate": "writer", "prompt": "$input.prompt"},
           "title": {"generate": "editor", "prompt": "Title for: {{input.topic}}"}}""",
          "[\"$nodes.story\", \"$nodes.title\"]"))).containsExactly(
          "error at /graphs/g/nodes/story/prompt: $input.prompt: the graph has no input \"prompt\"; inputs: [text, texts]",
          "error at /graphs/g/nodes/title/prompt: $input.topic: the graph has no input \"topic\"; inputs: [text, texts]");
    }

    @Test
    @DisplayName("a {{template}} naming an unknown node, or one that is no reference, is refused")
    void templates() {
      assertThat(refused(graph("""
          {"story": {"generate": "writer", "prompt": "$input.text"},
           "title": {"generate": "editor", "prompt": "Title for: {{nodes.nope.text}} ({{nodes}})"}}""",
          "[\"$nodes.story\", \"$nodes.title\"]"))).containsExactly(
          "error at /graphs/g/nodes/title/prompt: \"{{nodes}}\" is not a reference: use {{input.FIELD}}, "
              + "{{nodes.NAME[.FIELD]}}, {{item}}, {{index}} or {{result}}",
          "error at /graphs/g/nodes/title/prompt: $nodes.nope.text: no node \"nope\"; nodes: [story, title]");
    }

    @Test
    @DisplayName("a field a generate or classify node's output does not have is refused, with the fields it has")
    void unknownOutputField() {
      assertThat(refused(graph("""
          {"gen": {"generate": "writer", "prompt": "$input.text"},
           "mood": {"classify": "judge", "text": "$nodes.gen.nope"}}""",
          "{\"label\": \"$nodes.mood.labels\", \"deep\": \"$nodes.gen.sequences.0.generated\"}"))).containsExactly(
          "error at /graphs/g/nodes/mood/text: $nodes.gen.nope: a generate node's output has no \"nope\"; "
              + "fields: [model, sequences, text, timing]",
          "error at /graphs/g/output/label: $nodes.mood.labels: a classify node's output has no \"labels\"; "
              + "fields: [label, model, score, scores, timing]");
    }

    @Test
    @DisplayName("$item and $index outside a map, and $result outside a map's output, are refused")
    void mapOnlyReferences() {
      assertThat(refused(graph("""
          {"story": {"generate": "writer", "prompt": "$item.generated"},
           "each": {"map": "$input.texts", "apply": {"classify": "judge", "text": "{{item}} {{result}}"},
                    "output": {"i": "$index", "r": "$result.label", "item": "$item"}}}""",
          "{\"a\": \"$nodes.story\", \"b\": \"$nodes.each\", \"at\": \"$index\"}"))).containsExactly(
          "error at /graphs/g/nodes/story/prompt: $item.generated is only defined inside a map's apply and output",
          "error at /graphs/g/nodes/each/apply/text: $result is only defined inside a map's output",
          "error at /graphs/g/output/at: $index is only defined inside a map's apply and output");
    }

    @Test
    @DisplayName("a $-string that is no reference is refused: unknown root, missing or malformed path, $index.x")
    void malformedReferences() {
      assertThat(refused(graph("""
          {"story": {"generate": "writer", "prompt": "$input.text"}}""", """
          ["$nodes.story", "$nodes", "$input", "$foo.bar", "$nodes.story..text", "$nodes.a b", "$index.x",
           "$nodes.story.", "$"]"""))).containsExactly(
          "error at /graphs/g/output/1: \"$nodes\"" + BAD_REF,
          "error at /graphs/g/output/2: \"$input\"" + BAD_REF,
          "error at /graphs/g/output/3: \"$foo.bar\"" + BAD_REF,
          "error at /graphs/g/output/4: \"$nodes.story..text\"" + BAD_REF,
          "error at /graphs/g/output/5: \"$nodes.a b\"" + BAD_REF,
          "error at /graphs/g/output/6: \"$index.x\"" + BAD_REF,
          "error at /graphs/g/output/7: \"$nodes.story.\"" + BAD_REF,
          "error at /graphs/g/output/8: \"$\"" + BAD_REF);
    }

    @Test
    @DisplayName("a whole reference keeps its value's type; {{placeholders}} make text; objects and arrays nest")
    void templateValues() {
      Problems problems = new Problems();
      Template template = Template.parse(new JsonObject("""
          {"whole": "$nodes.story.sequences", "text": "A {{ input.text }} B {{nodes.story.text}}", "n": 3,
           "list": ["$input.text", "plain", null, true], "none": "{{not closed"}"""), "/t", problems);
      assertThat(problems.all()).isEmpty();
      assertThat(template.refs()).extracting(Ref::toString).containsExactly(
          "$nodes.story.sequences", "$input.text", "$nodes.story.text", "$input.text");
      List<String> pointers = new java.util.ArrayList<>();
      template.refs("/t", (pointer, ref) -> pointers.add(pointer));
      assertThat(pointers).containsExactly("/t/whole", "/t/text", "/t/text", "/t/list/0");
      JsonArray sequences = new JsonArray().add("x");
      Object value = template.evaluate(ref -> switch (ref.toString()) {
        case "$nodes.story.sequences" -> sequences;
        case "$input.text" -> "in";
        default -> 42;
      });
      assertThat(value).isEqualTo(new JsonObject().put("whole", sequences).put("text", "A in B 42").put("n", 3)
          .put("list", new JsonArray().add("in").add("plain").addNull().add(true)).put("none", "{{not closed"));
      assertThat(Template.parse("just text", "/t", problems)).isEqualTo(new Template.Literal("just text"));
    }

    @Test
    @DisplayName("Ref.parse takes each root with the path it needs, and prints back as written")
    void refParse() {
      assertThat(Ref.parse("input.text")).isEqualTo(new Ref(Ref.Root.INPUT, List.of("text")));
      assertThat(Ref.parse(" nodes.story.sequences.0 ")).isEqualTo(
          new Ref(Ref.Root.NODES, List.of("story", "sequences", "0")));
      assertThat(Ref.parse("nodes.story").fields()).isEmpty();
      assertThat(Ref.parse("nodes.story.text").node()).isEqualTo("story");
      assertThat(Ref.parse("item").node()).isNull();
      assertThat(Ref.parse("item.timing.started_us").fields()).containsExactly("timing", "started_us");
      assertThat(Ref.parse("index")).isEqualTo(new Ref(Ref.Root.INDEX, List.of()));
      assertThat(Ref.parse("result")).isEqualTo(new Ref(Ref.Root.RESULT, List.of()));
      assertThat(Ref.parse("result.label").toString()).isEqualTo("$result.label");
      assertThat(Ref.parse("index.x")).isNull();
      assertThat(Ref.parse("input")).isNull();
      assertThat(Ref.parse("nodes")).isNull();
      assertThat(Ref.parse("inputs.text")).isNull();
      assertThat(Ref.parse("item.a/b")).isNull();
    }
  }

  @Nested
  @DisplayName("Maps")
  class Maps {
    @Test
    @DisplayName("a map over something that is not a list is refused: a text, a string input, a literal, a node, an item")
    void notAList() {
      assertThat(refused(graph("""
          {"story": {"generate": "writer", "prompt": "$input.text"},
           "m1": {"map": "$nodes.story.text", "apply": {"classify": "judge", "text": "$item"}},
           "m2": {"map": "$input.text", "apply": {"classify": "judge", "text": "$item"}},
           "m3": {"map": ["$nodes.story.sequences", "hello", "{{nodes.story.text}}"],
                  "apply": {"classify": "judge", "text": "$item.generated"}},
           "m4": {"map": ["$nodes.story"], "apply": {"classify": "judge", "text": "$item"}},
           "m5": {"map": "$input.texts.0", "apply": {"classify": "judge", "text": "$item"}},
           "m6": {"map": 5, "apply": {"classify": "judge", "text": "$item"}},
           "m7": {"map": [], "apply": {"classify": "judge", "text": "$item"}},
           "m8": {"map": "$nodes.m3.0", "apply": {"classify": "judge", "text": "$item"}},
           "m9": {"map": "$input.nope", "apply": {"classify": "judge", "text": "$item"}},
           "m10": {"map": "$nodes.ghost.sequences", "apply": {"classify": "judge", "text": "$item"}},
           "m11": {"map": "$item", "apply": {"classify": "judge", "text": "$item"}}}""", """
          ["$nodes.m1", "$nodes.m2", "$nodes.m4", "$nodes.m5", "$nodes.m6", "$nodes.m7", "$nodes.m8", "$nodes.m9",
           "$nodes.m10", "$nodes.m11"]""")))
          .containsExactly(
              "error at /graphs/g/nodes/m6/map: must be a reference to a list, or an array of them",
              "error at /graphs/g/nodes/m7/map: must be a reference to a list, or an array of them",
              "error at /graphs/g/nodes/m1/map: $nodes.story.text" + NOT_A_LIST,
              "error at /graphs/g/nodes/m2/map: $input.text" + NOT_A_LIST,
              "error at /graphs/g/nodes/m3/map/1: must be a reference to a list, e.g. \"$nodes.NAME.sequences\"",
              "error at /graphs/g/nodes/m3/map/2: must be a reference to a list, e.g. \"$nodes.NAME.sequences\"",
              "error at /graphs/g/nodes/m4/map/0: $nodes.story" + NOT_A_LIST,
              "error at /graphs/g/nodes/m5/map: $input.texts.0" + NOT_A_LIST,
              "error at /graphs/g/nodes/m8/map: $nodes.m3.0" + NOT_A_LIST,
              // an undefined input or node, or $item, is reported as such and not again as "not a list"
              "error at /graphs/g/nodes/m9/map: $input.nope: the graph has no input \"nope\"; inputs: [text, texts]",
              "error at /graphs/g/nodes/m10/map: $nodes.ghost.sequences: no node \"ghost\"; nodes: [m1, m10, m11, m2, "
                  + "m3, m4, m5, m6, m7, m8, m9, story]",
              "error at /graphs/g/nodes/m11/map: $item is only defined inside a map's apply and output");
    }

    @Test
    @DisplayName("a map goes over a list input, a generate node's sequences, another map, or a switch's value")
    void lists() {
      GraphDef graph = loadsOne(graph("""
          {"story": {"generate": "writer", "prompt": "$input.text"},
           "pick": {"switch": [{"when": "$nodes.story.text != null", "then": "$input.texts"}]},
           "first": {"map": ["$input.texts", "$nodes.story.sequences"], "concurrency": 2,
                     "apply": {"generate": "editor", "prompt": "{{index}}: {{item}}", "parameters": {"seed": 3}}},
           "second": {"map": "$nodes.first", "batch": true, "apply": {"classify": "judge", "text": "$item.text"},
                      "output": {"label": "$result.label", "from": "$item.model", "at": "$index"}},
           "third": {"map": "$nodes.pick", "apply": {"classify": "judge", "text": "$item"}}}""",
          "[\"$nodes.second\", \"$nodes.third\"]"));
      Node.MapNode first = (Node.MapNode) graph.nodes().get("first");
      assertThat(first.over()).hasSize(2);
      assertThat(first.concurrency()).isEqualTo(2);
      assertThat(first.batch()).isFalse();
      assertThat(first.itemOutput()).isNull();
      assertThat(((Node.Generate) first.apply()).parameters().seed()).isEqualTo(3L);
      Node.MapNode second = (Node.MapNode) graph.nodes().get("second");
      assertThat(second.batch()).isTrue();
      assertThat(second.concurrency()).isEqualTo(1);
      assertThat(second.apply()).isEqualTo(new Node.Classify("second[]", "judge",
          new Template.Reference(Ref.parse("item.text")), Node.Common.DEFAULT));
      assertThat(graph.models()).containsExactly("writer", "editor", "judge");
    }

    @Test
    @DisplayName("concurrency, batch and apply are checked; apply is one generate or classify step with no timeout_ms or on_error of its own")
    void mapFields() {
      assertThat(refused(graph("""
          {"a": {"map": "$input.texts", "concurrency": 0, "batch": "yes", "apply": {"classify": "judge", "text": "$item"}},
           "b": {"map": "$input.texts", "concurrency": 1.5},
           "c": {"map": "$input.texts", "apply": {"map": "$item", "apply": {"classify": "judge", "text": "$item"}}},
           "d": {"map": "$input.texts", "apply": {"switch": [{"when": "$item == 1", "then": 1}]}},
           "e": {"map": "$input.texts", "apply": {"classify": "judge", "text": "$item", "timeout_ms": 100,
                                                  "on_error": "skip", "batch": true}}}""",
          "[\"$nodes.a\", \"$nodes.b\", \"$nodes.c\", \"$nodes.d\", \"$nodes.e\"]"))).containsExactly(
          "error at /graphs/g/nodes/a/concurrency: must be a whole number >= 1, got 0",
          "error at /graphs/g/nodes/a/batch: must be true or false",
          "error at /graphs/g/nodes/b/apply: a node must be an object naming its kind: generate, classify, map or switch",
          "error at /graphs/g/nodes/b/concurrency: must be a whole number >= 1, got 1.5",
          "error at /graphs/g/nodes/c/apply/map: a map applies a generate or classify step, not a map",
          "error at /graphs/g/nodes/d/apply/switch: a map applies a generate or classify step, not a switch",
          "error at /graphs/g/nodes/e/apply/batch: unknown field \"batch\"; known: [classify, on_error, text, timeout_ms]",
          "error at /graphs/g/nodes/e/apply/on_error: goes on the map node, where it covers all its items",
          "error at /graphs/g/nodes/e/apply/timeout_ms: goes on the map node, where it covers all its items");
    }
  }

  @Nested
  @DisplayName("Switches")
  class Switches {
    private static final String NOT_A_CONDITION = " is not a condition: write REFERENCE OP VALUE, e.g. "
        + "$nodes.mood.label == \"NEGATIVE\" or $nodes.mood.score < 0.6";

    @Test
    @DisplayName("a malformed condition is refused at its case's when: no operator, a bad number, an order on a non-number, no reference")
    void malformedConditions() {
      assertThat(refused(graph("""
          {"mood": {"classify": "judge", "text": "$input.text"},
           "pick": {"switch": [
             {"when": "$nodes.mood.label is NEGATIVE", "then": 1},
             {"when": "$nodes.mood.score > 1.2.3", "then": 2},
             {"when": "$nodes.mood.label < \\"A\\"", "then": 3},
             {"when": "$nodes.mood.label >= true", "then": 4},
             {"when": "$mood.label == 1", "then": "$nodes"},
             {"when": "$nodes.mood.label == NEGATIVE", "then": 6}]}}""", "\"$nodes.pick\""))).containsExactly(
          "error at /graphs/g/nodes/pick/switch/0/when: \"$nodes.mood.label is NEGATIVE\"" + NOT_A_CONDITION,
          "error at /graphs/g/nodes/pick/switch/1/when: \"1.2.3\" is not a number",
          "error at /graphs/g/nodes/pick/switch/2/when: \"<\" compares numbers; \"A\" is not one",
          "error at /graphs/g/nodes/pick/switch/3/when: \">=\" compares numbers; true is not one",
          "error at /graphs/g/nodes/pick/switch/4/when: \"$mood.label\"" + BAD_REF,
          "error at /graphs/g/nodes/pick/switch/4/then: \"$nodes\"" + BAD_REF,
          "error at /graphs/g/nodes/pick/switch/5/when: \"$nodes.mood.label == NEGATIVE\"" + NOT_A_CONDITION);
    }

    @Test
    @DisplayName("cases must be a non-empty list of {when, then}; their references are checked where written")
    void caseShapes() {
      assertThat(refused(graph("""
          {"mood": {"classify": "judge", "text": "$input.text"},
           "none": {"switch": []},
           "text": {"switch": "$nodes.mood.label == \\"NEGATIVE\\""},
           "odd": {"switch": [5, {"then": 1}, {"when": 3, "then": 1}, {"when": "$nodes.mood.score < 1"},
                              {"when": "$nodes.mood.score < 1", "then": 1, "else": 2}]},
           "refs": {"switch": [{"when": "$nodes.mood.scor > 0.5", "then": "$nodes.nope"}], "otherwise": "$item"}}""",
          "[\"$nodes.none\", \"$nodes.text\", \"$nodes.odd\", \"$nodes.refs\"]"))).containsExactly(
          "error at /graphs/g/nodes/none/switch: must list cases: [{\"when\": CONDITION, \"then\": VALUE}, ...]",
          "error at /graphs/g/nodes/text/switch: must list cases: [{\"when\": CONDITION, \"then\": VALUE}, ...]",
          "error at /graphs/g/nodes/odd/switch/0: " + CASE_SHAPE,
          "error at /graphs/g/nodes/odd/switch/1: " + CASE_SHAPE,
          "error at /graphs/g/nodes/odd/switch/2: " + CASE_SHAPE,
          "error at /graphs/g/nodes/odd/switch/3: " + CASE_SHAPE,
          "error at /graphs/g/nodes/odd/switch/4/else: unknown field \"else\"; known: [then, when]",
          "error at /graphs/g/nodes/refs/switch/0/when: $nodes.mood.scor: a classify node's output has no \"scor\"; "
              + "fields: [label, model, score, scores, timing]",
          "error at /graphs/g/nodes/refs/switch/0/then: $nodes.nope: no node \"nope\"; nodes: [mood, none, odd, refs, text]",
          "error at /graphs/g/nodes/refs/otherwise: $item is only defined inside a map's apply and output");
    }

    @Test
    @DisplayName("conditions take quoted strings, numbers, true, false and null; only numbers are ordered")
    void conditionsHold() {
      Problems problems = new Problems();
      assertThat(Condition.parse(" $nodes.mood.label == 'NEGATIVE' ", "/c", problems).test("NEGATIVE")).isTrue();
      assertThat(Condition.parse("$nodes.mood.label == \"NEGATIVE\"", "/c", problems).test("POSITIVE")).isFalse();
      assertThat(Condition.parse("$nodes.mood.label != \"NEGATIVE\"", "/c", problems).test("POSITIVE")).isTrue();
      assertThat(Condition.parse("$nodes.mood.label != \"NEGATIVE\"", "/c", problems).test("NEGATIVE")).isFalse();
      Condition below = Condition.parse("$nodes.mood.score < 0.6", "/c", problems);
      assertThat(below.test(0.5)).isTrue();
      assertThat(below.test(0.6)).isFalse();
      assertThat(below.test("0.5")).as("a non-number is never < a number").isFalse();
      assertThat(below.test(null)).isFalse();
      assertThat(below.source()).isEqualTo("$nodes.mood.score < 0.6");
      assertThat(below.left()).isEqualTo(new Template.Reference(Ref.parse("nodes.mood.score")));
      assertThat(Condition.parse("$nodes.mood.score <= 0.6", "/c", problems).test(0.6)).isTrue();
      assertThat(Condition.parse("$nodes.mood.score <= 0.6", "/c", problems).test(0.7)).isFalse();
      assertThat(Condition.parse("$nodes.mood.score > -1e-3", "/c", problems).test(0)).isTrue();
      assertThat(Condition.parse("$nodes.mood.score > -1e-3", "/c", problems).test(-0.001)).isFalse();
      assertThat(Condition.parse("$nodes.mood.score >= 2", "/c", problems).test(2)).isTrue();
      assertThat(Condition.parse("$nodes.mood.score >= 2", "/c", problems).test(1.99)).isFalse();
      assertThat(Condition.parse("$nodes.n.x == 2", "/c", problems).test(2L)).isTrue();
      assertThat(Condition.parse("$nodes.n.x == 2", "/c", problems).test(3)).isFalse();
      assertThat(Condition.parse("$nodes.n.x == 2", "/c", problems).test("2")).isFalse();
      assertThat(Condition.parse("$nodes.n.x != 2", "/c", problems).test("2")).as("a non-number is != a number")
          .isTrue();
      assertThat(Condition.parse("$nodes.n.x != 2", "/c", problems).test(2.0)).isFalse();
      assertThat(Condition.parse("$nodes.n.x == true", "/c", problems).test(true)).isTrue();
      assertThat(Condition.parse("$nodes.n.x == false", "/c", problems).test(true)).isFalse();
      assertThat(Condition.parse("$nodes.n.x == null", "/c", problems).test(null)).isTrue();
      assertThat(Condition.parse("$nodes.n.x != null", "/c", problems).test("x")).isTrue();
      assertThat(problems.all()).isEmpty();
    }
  }

  @Nested
  @DisplayName("Node fields")
  class NodeFields {
    @Test
    @DisplayName("an unknown field on a node of each kind is refused, with the fields that kind knows")
    void unknownNodeField() {
      assertThat(refused(graph("""
          {"story": {"generate": "writer", "prompt": "$input.text", "temprature": 0.5},
           "mood": {"classify": "judge", "text": "$nodes.story.text", "labels": 2},
           "each": {"map": "$input.texts", "apply": {"classify": "judge", "text": "$item"}, "parallel": 2},
           "pick": {"switch": [{"when": "$nodes.mood.label == \\"NEGATIVE\\"", "then": 1}], "default": 0}}""",
          "[\"$nodes.each\", \"$nodes.pick\"]"))).containsExactly(
          "error at /graphs/g/nodes/story/temprature: unknown field \"temprature\"; "
              + "known: [generate, on_error, parameters, prompt, request_parameters, timeout_ms]",
          "error at /graphs/g/nodes/mood/labels: unknown field \"labels\"; known: [classify, on_error, text, timeout_ms]",
          "error at /graphs/g/nodes/each/parallel: unknown field \"parallel\"; "
              + "known: [apply, batch, concurrency, map, on_error, output, timeout_ms]",
          "error at /graphs/g/nodes/pick/default: unknown field \"default\"; "
              + "known: [on_error, otherwise, switch, timeout_ms]");
    }

    @Test
    @DisplayName("a node is an object naming exactly one kind, with the field its kind needs")
    void kinds() {
      assertThat(refused(graph("""
          {"plain": "writer",
           "none": {"prompt": "$input.text"},
           "both": {"generate": "writer", "classify": "judge", "prompt": "$input.text"},
           "story": {"generate": "writer"},
           "mood": {"classify": "judge"}}""", "[\"$nodes.story\", \"$nodes.mood\", \"$nodes.both\"]")))
          .containsExactly(
              "error at /graphs/g/nodes/plain: a node must be an object naming its kind: generate, classify, map or switch",
              "error at /graphs/g/nodes/none: names no kind: give one of generate, classify, map, switch",
              "error at /graphs/g/nodes/both: names several kinds [classify, generate]: give exactly one",
              "error at /graphs/g/nodes/story/prompt: is missing",
              "error at /graphs/g/nodes/mood/text: is missing");
    }

    @Test
    @DisplayName("a map's per-item output is checked like any template: an unknown node there is refused")
    void mapOutputReferences() {
      assertThat(refused(graph("""
          {"each": {"map": "$input.texts", "apply": {"classify": "judge", "text": "$item"},
                    "output": {"label": "$result.label", "other": "$nodes.nope.text"}}}""", "\"$nodes.each\""
      ))).containsExactly(
          "error at /graphs/g/nodes/each/output/other: $nodes.nope.text: no node \"nope\"; nodes: [each]");
    }

    @Test
    @DisplayName("request_parameters is true (the default) or false; anything else is refused")
    void requestParameters() {
      assertThat(refused(graph("""
          {"a": {"generate": "writer", "prompt": "$input.text", "request_parameters": "no"}}""", "\"$nodes.a\""
      ))).containsExactly("error at /graphs/g/nodes/a/request_parameters: must be true or false, got no");
      GraphDef graph = loadsOne(graph("""
          {"a": {"generate": "writer", "prompt": "$input.text", "request_parameters": false},
           "b": {"generate": "writer", "prompt": "$input.text"}}""", "[\"$nodes.a\", \"$nodes.b\"]"));
      assertThat(((Node.Generate) graph.nodes().get("a")).requestParameters()).isFalse();
      assertThat(((Node.Generate) graph.nodes().get("b")).requestParameters()).isTrue();
    }

    @Test
    @DisplayName("on_error is fail, skip or {default: VALUE}; anything else is refused")
    void onError() {
      assertThat(refused(graph("""
          {"a": {"generate": "writer", "prompt": "$input.text", "on_error": "retry"},
           "b": {"generate": "writer", "prompt": "$input.text", "on_error": {"default": 1, "also": 2}},
           "c": {"generate": "writer", "prompt": "$input.text", "on_error": {"fallback": 1}},
           "d": {"generate": "writer", "prompt": "$input.text", "on_error": true}}""",
          "[\"$nodes.a\", \"$nodes.b\", \"$nodes.c\", \"$nodes.d\"]"))).containsExactly(
          "error at /graphs/g/nodes/a/on_error: must be \"fail\", \"skip\" or {\"default\": VALUE}, got retry",
          "error at /graphs/g/nodes/b/on_error: must be \"fail\", \"skip\" or {\"default\": VALUE}, "
              + "got {\"default\":1,\"also\":2}",
          "error at /graphs/g/nodes/c/on_error: must be \"fail\", \"skip\" or {\"default\": VALUE}, got {\"fallback\":1}",
          "error at /graphs/g/nodes/d/on_error: must be \"fail\", \"skip\" or {\"default\": VALUE}, got true");
      GraphDef graph = loadsOne(graph("""
          {"a": {"generate": "writer", "prompt": "$input.text", "on_error": "fail", "timeout_ms": 250},
           "b": {"generate": "writer", "prompt": "$input.text", "on_error": "skip"},
           "c": {"generate": "writer", "prompt": "$input.text", "on_error": {"default": {"text": "n/a"}}},
           "d": {"generate": "writer", "prompt": "$input.text"},
           "e": {"generate": "writer", "prompt": "$input.text", "timeout_ms": 1}}""",
          "[\"$nodes.a\", \"$nodes.b\", \"$nodes.c\", \"$nodes.d\", \"$nodes.e\"]"));
      assertThat(graph.nodes().get("a").common()).isEqualTo(new Node.Common(250, Node.OnError.FAIL));
      assertThat(graph.nodes().get("e").common().timeoutMs()).as("1 ms is the shortest timeout").isEqualTo(1);
      assertThat(graph.nodes().get("b").common().onError()).isEqualTo(new Node.OnError(Node.OnError.Kind.SKIP, null));
      assertThat(graph.nodes().get("c").common().onError()).isEqualTo(new Node.OnError(Node.OnError.Kind.DEFAULT,
          new JsonObject().put("text", "n/a")));
      assertThat(graph.nodes().get("d").common()).isEqualTo(Node.Common.DEFAULT);
    }

    @Test
    @DisplayName("timeout_ms is a whole number of milliseconds >= 1")
    void timeouts() {
      assertThat(refused(graph("""
          {"a": {"generate": "writer", "prompt": "$input.text", "timeout_ms": 0},
           "b": {"generate": "writer", "prompt": "$input.text", "timeout_ms": 1.5},
           "c": {"generate": "writer", "prompt": "$input.text", "timeout_ms": "100"}}""",
          "[\"$nodes.a\", \"$nodes.b\", \"$nodes.c\"]"))).containsExactly(
          "error at /graphs/g/nodes/a/timeout_ms: must be a whole number of milliseconds >= 1, got 0",
          "error at /graphs/g/nodes/b/timeout_ms: must be a whole number of milliseconds >= 1, got 1.5",
          "error at /graphs/g/nodes/c/timeout_ms: must be a whole number of milliseconds >= 1, got 100");
    }

    @Test
    @DisplayName("generation parameters are checked as a request's are, each problem at the parameter")
    void parameters() {
      assertThat(refused(graph("""
          {"a": {"generate": "writer", "prompt": "$input.text", "parameters": {"temperature": 0}},
           "b": {"generate": "writer", "prompt": "$input.text", "parameters": {"max_tokens": 5}},
           "c": {"generate": "writer", "prompt": "$input.text", "parameters": 5}}""",
          "[\"$nodes.a\", \"$nodes.b\", \"$nodes.c\"]"))).containsExactly(
          "error at /graphs/g/nodes/a/parameters/temperature: must be a finite number > 0",
          "error at /graphs/g/nodes/b/parameters/max_tokens: unknown parameter; known: [bad_words_ids, do_sample, logprobs, max_length, "
              + "max_new_tokens, min_new_tokens, no_repeat_ngram_size, num_return_sequences, repetition_penalty, seed, "
              + "stop_strings, temperature, top_k, top_p]",
          "error at /graphs/g/nodes/c/parameters: must be an object of generation parameters");
      Node.Generate story = (Node.Generate) loadsOne(graph("""
          {"story": {"generate": "writer", "prompt": "$input.text", "parameters": {"max_new_tokens": 8}}}""",
          "\"$nodes.story\"")).nodes().get("story");
      assertThat(story.parameters().maxNewTokens()).isEqualTo(8);
    }

    @Test
    @DisplayName("a node's name must be usable in $nodes.NAME; pointers escape / and ~")
    void nodeNames() {
      assertThat(refused(graph("""
          {"a/b": {"generate": "writer", "prompt": "$input.text"},
           "x.y": {"generate": "writer", "prompt": "$input.text"},
           "ok_name-2": {"generate": "writer", "prompt": "$input.text"}}""", "\"$nodes.ok_name-2\""))).containsExactly(
          "error at /graphs/g/nodes/a~1b: a node's name must be letters, digits, '_' or '-', as $nodes.NAME writes it",
          "error at /graphs/g/nodes/x.y: a node's name must be letters, digits, '_' or '-', as $nodes.NAME writes it",
          "warning at /graphs/g/nodes/a~1b: " + UNUSED,
          "warning at /graphs/g/nodes/x.y: " + UNUSED);
    }
  }

  @Nested
  @DisplayName("The graph as a whole")
  class WholeGraph {
    @Test
    @DisplayName("an unknown field on a graph is refused, with the fields a graph knows")
    void unknownGraphField() {
      assertThat(refused("""
          {"g": {"input": {"text": "string"}, "nodes": {"story": {"generate": "writer", "prompt": "$input.text"}},
                 "outputs": "$nodes.story"}}""")).containsExactly(
          "error at /graphs/g/outputs: unknown field \"outputs\"; known: [description, input, legacy_events, nodes, "
              + "output, route]",
          "error at /graphs/g/output: is missing: say what the answer is, e.g. \"$nodes.NAME\"");
    }

    @Test
    @DisplayName("a cycle is refused, the message naming the nodes around it (and not the ones leading in)")
    void cycles() {
      assertThat(refused(graph("""
          {"a": {"generate": "writer", "prompt": "$nodes.b.text"},
           "b": {"generate": "editor", "prompt": "Go on: {{nodes.a.text}}"}}""", "\"$nodes.a\"")))
          .containsExactly("error at /graphs/g/nodes/a: cycle: a -> b -> a");
      assertThat(refused(graph("""
          {"lead": {"classify": "judge", "text": "$nodes.x.text"},
           "x": {"generate": "writer", "prompt": "$nodes.y.text"},
           "y": {"map": "$nodes.x.sequences", "apply": {"generate": "editor", "prompt": "$item.generated"}}}""",
          "\"$nodes.lead\""))).containsExactly("error at /graphs/g/nodes/x: cycle: x -> y -> x");
      assertThat(refused(graph("""
          {"self": {"switch": [{"when": "$nodes.self == 1", "then": 1}]}}""", "\"$nodes.self\"")))
          .containsExactly("error at /graphs/g/nodes/self: cycle: self -> self");
    }

    @Test
    @DisplayName("a node the output never reaches is a warning: the graph still loads, the node in it")
    void unreachable() {
      GraphConfig config = loads(graph("""
          {"story": {"generate": "writer", "prompt": "$input.text"},
           "mood": {"classify": "judge", "text": "$nodes.story.text"},
           "spare": {"generate": "editor", "prompt": "$input.text"},
           "spare_mood": {"classify": "judge", "text": "$nodes.spare.text"}}""", "\"$nodes.mood\""));
      assertThat(config.warnings()).extracting(Problems.Problem::toString).containsExactly(
          "warning at /graphs/g/nodes/spare: " + UNUSED,
          "warning at /graphs/g/nodes/spare_mood: " + UNUSED);
      assertThat(config.warnings()).allSatisfy(w -> assertThat(w.error()).isFalse());
      assertThat(config.graphs().get(0).nodes()).containsOnlyKeys("story", "mood", "spare", "spare_mood");
    }

    @Test
    @DisplayName("an output that references no node is refused; every node is then also unused")
    void outputWithoutNode() {
      assertThat(refused(graph("""
          {"story": {"generate": "writer", "prompt": "$input.text"}}""", "{\"echo\": \"$input.text\"}")))
          .containsExactly(
              "error at /graphs/g/output: references no node: the answer would not depend on the graph",
              "warning at /graphs/g/nodes/story: " + UNUSED);
      assertThat(refused(graph("""
          {"story": {"generate": "writer", "prompt": "$input.text"}}""", "\"fixed\""))).first()
          .isEqualTo("error at /graphs/g/output: references no node: the answer would not depend on the graph");
    }

    @Test
    @DisplayName("two graphs on one route are refused at the second one's route")
    void sameRoute() {
      String one = "{\"route\": \"/story\", \"input\": {\"text\": \"string\"}, "
          + "\"nodes\": {\"s\": {\"generate\": \"writer\", \"prompt\": \"$input.text\"}}, \"output\": \"$nodes.s\"}";
      assertThat(refused("{\"one\": " + one + ", \"two\": " + one + ", \"three\": " + one + "}")).containsExactly(
          "error at /graphs/two/route: route /story is already graph \"one\"'s",
          "error at /graphs/three/route: route /story is already graph \"one\"'s");
    }

    @Test
    @DisplayName("a route is plain path segments outside /graphs and /v1; without one a graph is at /graphs/NAME")
    void routes() {
      String body = "\"input\": {\"text\": \"string\"}, "
          + "\"nodes\": {\"s\": {\"generate\": \"writer\", \"prompt\": \"$input.text\"}}, \"output\": \"$nodes.s\"}";
      assertThat(refused("{"
          + "\"a\": {\"route\": \"story\", " + body + ", "
          + "\"b\": {\"route\": \"/a/:id\", " + body + ", "
          + "\"c\": {\"route\": 5, " + body + ", "
          + "\"d\": {\"route\": null, " + body + ", "
          + "\"e\": {\"route\": \"/graphs/e\", " + body + ", "
          + "\"f\": {\"route\": \"/graphs\", " + body + ", "
          + "\"h\": {\"route\": \"/v1/completions\", " + body + ", "
          + "\"i\": {\"route\": \"/\", " + body + "}")).containsExactly(
          "error at /graphs/a/route: must be a path such as /story_mood, each segment letters, digits, '.', '_', "
              + "'~' or '-', got story",
          "error at /graphs/b/route: must be a path such as /story_mood, each segment letters, digits, '.', '_', "
              + "'~' or '-', got /a/:id",
          "error at /graphs/c/route: must be a path such as /story_mood, each segment letters, digits, '.', '_', "
              + "'~' or '-', got 5",
          "error at /graphs/d/route: must be a path such as /story_mood, each segment letters, digits, '.', '_', "
              + "'~' or '-', got null",
          "error at /graphs/e/route: must not be under /graphs (every graph is served there by name) nor /v1 (the "
              + "OpenAI-compatible door), got /graphs/e",
          "error at /graphs/f/route: must not be under /graphs (every graph is served there by name) nor /v1 (the "
              + "OpenAI-compatible door), got /graphs",
          "error at /graphs/h/route: must not be under /graphs (every graph is served there by name) nor /v1 (the "
              + "OpenAI-compatible door), got /v1/completions",
          "error at /graphs/i/route: must be a path such as /story_mood, each segment letters, digits, '.', '_', "
              + "'~' or '-', got /");
      GraphConfig config = loads("{\"plain\": {" + body + ", \"v1x\": {\"route\": \"/v1x/a.b~c\", " + body + "}");
      assertThat(config.graphs()).extracting(GraphDef::route).containsExactly("/graphs/plain", "/v1x/a.b~c");
    }

    @Test
    @DisplayName("the input names typed fields usable as $input.NAME; the nodes section is a non-empty object")
    void inputAndNodes() {
      assertThat(refused("""
          {"a": {"nodes": {"s": {"generate": "writer", "prompt": "$input.text"}}, "output": "$nodes.s"},
           "b": {"input": {}, "nodes": {}, "output": "$nodes.s"},
           "c": {"input": {"text": "str", "my text": "string", "parameters": "object"},
                 "nodes": {"s": {"generate": "writer", "prompt": "$input.text"}}, "output": "$nodes.s"},
           "d": {"input": {"text": "string"}, "nodes": [], "output": "$nodes.s"},
           "e": 5}""")).containsExactly(
          "error at /graphs/a/input: must name the graph's input fields and their types, e.g. {\"text\": \"string\"}",
          "error at /graphs/b/input: must name the graph's input fields and their types, e.g. {\"text\": \"string\"}",
          "error at /graphs/b/nodes: must be an object with at least one node",
          "error at /graphs/c/input/text: type must be one of [string, number, boolean, list, object], got str",
          "error at /graphs/c/input/my text: an input's name must be letters, digits, '_' or '-', as $input.NAME "
              + "writes it",
          "error at /graphs/c/input/parameters: \"parameters\" is where a request puts its generation parameters: "
              + "name the input otherwise",
          "error at /graphs/d/nodes: must be an object with at least one node",
          "error at /graphs/e: a graph must be an object with input, nodes and output");
      assertThat(loadsOne(graph("{\"s\": {\"generate\": \"writer\", \"prompt\": \"$input.text\"}}", "\"$nodes.s\""))
          .input()).containsEntry("text", "string").containsEntry("texts", "list");
    }

    @Test
    @DisplayName("a graph's name must be usable in /graphs/NAME; description is a string and legacy_events a boolean")
    void namesAndFlags() {
      String body = "\"input\": {\"text\": \"string\"}, "
          + "\"nodes\": {\"s\": {\"generate\": \"writer\", \"prompt\": \"$input.text\"}}, \"output\": \"$nodes.s\"}";
      assertThat(refused("{\"a b\": {" + body + ", \"x~y\": {" + body + ", "
          + "\"c\": {\"description\": 5, \"legacy_events\": \"yes\", " + body + "}")).containsExactly(
          "error at /graphs/a b: a graph's name must be letters, digits, '.', '_' or '-', as /graphs/NAME writes it",
          "error at /graphs/x~0y: a graph's name must be letters, digits, '.', '_' or '-', as /graphs/NAME writes it",
          "error at /graphs/c/description: must be a string",
          "error at /graphs/c/legacy_events: must be true or false, got yes");
      GraphConfig config = loads("{\"v1.2\": {\"description\": \"d\", \"legacy_events\": true, " + body
          + ", \"plain\": {" + body + "}");
      assertThat(config.graphs()).extracting(GraphDef::legacyEvents).containsExactly(true, false);
      assertThatThrownBy(() -> ConfigLoader.parse(config("{}"))).isInstanceOf(ConfigException.class)
          .hasMessage("config graphs: must declare at least one graph");
    }

    @Test
    @DisplayName("a configuration with many errors in several graphs reports all of them, in order, and counts them")
    void everyProblemAtOnce() {
      String broken = """
          {"first": {"input": {"text": "string"}, "colour": "red", "nodes": {
             "story": {"generate": "gpt5", "prompt": "$input.txt"},
             "mood": {"classify": "writer", "text": "{{nodes.story.txt}}", "on_error": "ignore"},
             "each": {"map": "$nodes.story.text", "apply": {"classify": "judge", "text": "$result"}},
             "pick": {"switch": [{"when": "$nodes.mood.label = 1", "then": 1}]},
             "spare": {"generate": "editor", "prompt": "$input.text"}},
             "output": {"mood": "$nodes.mood", "each": "$nodes.each", "at": "$index"}},
           "second": {"route": "/graphs/second", "input": {"text": "string"},
             "nodes": {"a": {"generate": "writer", "prompt": "$nodes.b.text"},
                       "b": {"generate": "writer", "prompt": "$nodes.a.text"}},
             "output": "$nodes.a"}}""";
      List<String> expected = List.of(
          "error at /graphs/first/colour: unknown field \"colour\"; known: [description, input, legacy_events, nodes, "
              + "output, route]",
          "error at /graphs/first/nodes/story/generate: unknown model \"gpt5\"; models: [editor, judge, writer]",
          "error at /graphs/first/nodes/mood/on_error: must be \"fail\", \"skip\" or {\"default\": VALUE}, got ignore",
          "error at /graphs/first/nodes/mood/classify: model \"writer\" is a text-generation model; classify needs a "
              + "text-classification model",
          "error at /graphs/first/nodes/pick/switch/0/when: \"$nodes.mood.label = 1\" is not a condition: write "
              + "REFERENCE OP VALUE, e.g. $nodes.mood.label == \"NEGATIVE\" or $nodes.mood.score < 0.6",
          "error at /graphs/first/nodes/story/prompt: $input.txt: the graph has no input \"txt\"; inputs: [text]",
          "error at /graphs/first/nodes/mood/text: $nodes.story.txt: a generate node's output has no \"txt\"; fields: "
              + "[model, sequences, text, timing]",
          "error at /graphs/first/nodes/each/map: $nodes.story.text" + NOT_A_LIST,
          "error at /graphs/first/nodes/each/apply/text: $result is only defined inside a map's output",
          "error at /graphs/first/output/at: $index is only defined inside a map's apply and output",
          "error at /graphs/second/route: must not be under /graphs (every graph is served there by name) nor /v1 "
              + "(the OpenAI-compatible door), got /graphs/second",
          "error at /graphs/second/nodes/a: cycle: a -> b -> a");
      assertThat(refused(broken)).containsExactlyElementsOf(expected);
      GraphConfigException refusal = catchThrowableOfType(() -> ConfigLoader.parse(config(broken)),
          GraphConfigException.class);
      assertThat(refusal.getMessage()).isEqualTo("the graphs have 12 error(s):\n  "
          + String.join("\n  ", expected));
      Problems.Problem first = refusal.problems().get(0);
      assertThat(first.error()).isTrue();
      assertThat(first.pointer()).isEqualTo("/graphs/first/colour");
      assertThat(first.message()).isEqualTo("unknown field \"colour\"; known: [description, input, legacy_events, "
          + "nodes, output, route]");
    }
  }

  @Nested
  @DisplayName("The shipped configurations")
  class Shipped {
    private GraphConfig load(String file) {
      return ConfigLoader.parse(ConfigLoader.load(Path.of(file), Map.of(), new Properties()));
    }

    @Test
    @DisplayName("conf/config.json declares the seed's graph, with no error and no warning")
    void seed() {
      GraphConfig config = load("conf/config.json");
      assertThat(config.warnings()).isEmpty();
      assertThat(config.graphs()).hasSize(1);
      GraphDef seed = config.graphs().get(0);
      assertThat(seed.name()).isEqualTo("classify_generated_texts");
      assertThat(seed.route()).isEqualTo("/classify_generated_texts");
      assertThat(seed.input()).isEqualTo(Map.of("text", "string"));
      assertThat(seed.legacyEvents()).isTrue();
      assertThat(seed.nodes().keySet()).containsExactly("gpt2", "distilgpt2", "gpt2-medium", "scores");
      assertThat(seed.nodes().get("gpt2")).isEqualTo(new Node.Generate("gpt2", "gpt2",
          new Template.Reference(Ref.parse("input.text")), GenerationParams.none(), true, Node.Common.DEFAULT));
      Node.MapNode scores = (Node.MapNode) seed.nodes().get("scores");
      assertThat(scores.over()).extracting(Template::refs).extracting(refs -> refs.get(0).toString()).containsExactly(
          "$nodes.gpt2.sequences", "$nodes.distilgpt2.sequences", "$nodes.gpt2-medium.sequences");
      assertThat(scores.concurrency()).isEqualTo(1);
      assertThat(scores.batch()).isFalse();
      assertThat(scores.apply()).isEqualTo(new Node.Classify("scores[]", "bert-base-uncased",
          new Template.Reference(Ref.parse("item.generated")), Node.Common.DEFAULT));
      assertThat(seed.output()).isEqualTo(new Template.Reference(Ref.parse("nodes.scores")));
    }

    @Test
    @DisplayName("the old form (generators + classifier) of conf/config.json's models gives the very same graph")
    void oldFormIsTheSeed() {
      GraphConfig current = load("conf/config.json");
      JsonObject json = ConfigLoader.load(Path.of("conf/config.json"), Map.of(), new Properties());
      JsonObject models = (JsonObject) json.remove("models");
      json.remove("graphs");
      JsonArray generators = new JsonArray();
      models.forEach(entry -> {
        JsonObject model = ((JsonObject) entry.getValue()).copy().put("name", entry.getKey());
        if ("text-generation".equals(model.remove("task"))) {
          generators.add(model);
        } else {
          json.put("classifier", model);
        }
      });
      GraphConfig old = ConfigLoader.parse(json.put("generators", generators));
      GraphDef seed = current.graphs().get(0);
      GraphDef upgraded = old.graphs().get(0);
      assertThat(upgraded.name()).isEqualTo(seed.name());
      assertThat(upgraded.route()).isEqualTo(seed.route());
      assertThat(upgraded.input()).isEqualTo(seed.input());
      assertThat(upgraded.legacyEvents()).isEqualTo(seed.legacyEvents());
      assertThat(upgraded.nodes().keySet()).containsExactlyElementsOf(seed.nodes().keySet());
      assertThat(upgraded.nodes()).isEqualTo(seed.nodes());
      assertThat(upgraded.output()).isEqualTo(seed.output());
      assertThat(old.models()).isEqualTo(current.models());
      assertThat(old.warnings()).isEmpty();
    }

    @Test
    @DisplayName("conf/hub.json, in the old form, is the seed's graph over its hf:// models; a dotted name becomes a node name")
    void hubConfig() {
      GraphConfig hub = load("conf/hub.json");
      GraphDef graph = hub.graphs().get(0);
      assertThat(graph.name()).isEqualTo("classify_generated_texts");
      assertThat(graph.nodes().keySet()).containsExactly("gpt2", "distilgpt2", "gpt2-medium", "scores");
      assertThat(((Node.MapNode) graph.nodes().get("scores")).apply()).extracting(n -> ((Node.Classify) n).model())
          .isEqualTo("distilbert-sst2");
      assertThat(hub.models()).allSatisfy(m -> assertThat(m.source()).isInstanceOf(ModelSource.Hub.class));

      JsonObject dotted = new JsonObject()
          .put("generators", new JsonArray().add(new JsonObject().put("name", "gpt2.v2").put("path", "gpt2-tiny")))
          .put("classifier", new JsonObject().put("name", "judge").put("path", "bert-tiny-classifier"));
      GraphDef renamed = ConfigLoader.parse(dotted).graphs().get(0);
      assertThat(renamed.nodes().keySet()).containsExactly("gpt2_v2", "scores");
      assertThat(((Node.Generate) renamed.nodes().get("gpt2_v2")).model()).isEqualTo("gpt2.v2");
    }

    @Test
    @DisplayName("the old form beside models or graphs is refused, naming both")
    void bothForms() {
      JsonObject json = ConfigLoader.load(Path.of("conf/hub.json"), Map.of(), new Properties());
      JsonObject withGraphs = json.copy().put("graphs", new JsonObject());
      assertThatThrownBy(() -> ConfigLoader.parse(withGraphs)).isInstanceOf(ConfigException.class).hasMessage(
          "config generators: is the old form of models and the seed graph; this configuration declares graphs: "
              + "declare every model under models, with its task");
      json.remove("generators");
      JsonObject withModels = json.put("models", new JsonObject());
      assertThatThrownBy(() -> ConfigLoader.parse(withModels)).isInstanceOf(ConfigException.class).hasMessage(
          "config classifier: is the old form of models and the seed graph; this configuration declares models: "
              + "declare every model under models, with its task");
    }
  }
}
