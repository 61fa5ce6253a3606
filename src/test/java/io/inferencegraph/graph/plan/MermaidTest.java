package io.inferencegraph.graph.plan;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("GET /graphs/NAME's Mermaid text: a box per node with its kind and model, references as edges")
class MermaidTest {

  @Test
  @DisplayName("input, each kind of node, a switch's cases as labelled dotted edges, and the output")
  void everyKind() {
    GraphDef graph = GraphValidationTest.loadsOne(GraphValidationTest.graph("""
        {"story": {"generate": "writer", "prompt": "$input.text"},
         "mood": {"classify": "judge", "text": "Story: {{nodes.story.text}} ({{nodes.story.model}})"},
         "retry": {"generate": "editor", "prompt": "Nicer: {{input.text}}"},
         "final": {"switch": [{"when": "$nodes.mood.label == \\"NEGATIVE\\"", "then": "$nodes.retry.text"}],
                   "otherwise": "$nodes.story.text"},
         "each": {"map": "$input.texts", "batch": true, "apply": {"classify": "judge", "text": "$item"}},
         "some": {"map": "$input.texts", "concurrency": 2, "apply": {"generate": "writer", "prompt": "$item"}},
         "one_by-one": {"map": "$input.texts", "apply": {"generate": "writer", "prompt": "$item"}}}""",
        "{\"a\": \"$nodes.final\", \"b\": [\"$nodes.each\", \"$nodes.some\", \"$nodes.one_by-one\", \"$nodes.final\"]}"));
    // mood reads story twice: one edge. A switch's condition reads mood (a plain edge); the value of
    // each case and of otherwise is a dotted edge labelled with its condition.
    assertThat(Mermaid.of(graph)).isEqualTo("""
        flowchart LR
          input([input])
          n_story["story: generate writer"]
          n_mood["mood: classify judge"]
          n_retry["retry: generate editor"]
          n_final["final: switch"]
          n_each["each: map classify judge (batch)"]
          n_some["some: map generate writer (x2)"]
          n_one_by_one["one_by-one: map generate writer"]
          output([output])
          input --> n_story
          n_story --> n_mood
          input --> n_retry
          n_mood --> n_final
          n_retry -. "$nodes.mood.label == 'NEGATIVE'" .-> n_final
          n_story -. "otherwise" .-> n_final
          input --> n_each
          input --> n_some
          input --> n_one_by_one
          n_final --> output
          n_each --> output
          n_some --> output
          n_one_by_one --> output
        """);
  }
}
