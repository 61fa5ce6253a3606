package io.inferencegraph.graph.plan;

import io.inferencegraph.config.ConfigLoader;
import io.inferencegraph.config.GraphConfig;
import io.inferencegraph.config.ModelConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The example graphs in conf/graphs/ are complete configurations that load as they are")
class ExampleGraphsTest {
  private static final Path DIR = Path.of("conf/graphs");

  private static GraphConfig load(Path file) {
    return ConfigLoader.parse(ConfigLoader.load(file, Map.of(), new Properties()));
  }

  private static GraphDef only(String file) {
    List<GraphDef> graphs = load(DIR.resolve(file)).graphs();
    assertThat(graphs).hasSize(1);
    return graphs.get(0);
  }

  @Test
  @DisplayName("every file there parses with no error and no warning, and every model it names is in models/")
  void everyExampleLoads() throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(DIR)) {
      files = list.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(files).extracting(f -> f.getFileName().toString())
        .containsExactly("regenerate-negative.json", "story-mood.json", "story-title.json");
    for (Path file : files) {
      GraphConfig config = load(file);
      assertThat(config.warnings()).as(file.toString()).isEmpty();
      assertThat(config.graphs()).as(file.toString()).hasSize(1);
      assertThat(config.models()).extracting(ModelConfig::path).as(file.toString())
          .allSatisfy(dir -> assertThat(dir.resolve("config.json")).isRegularFile());
    }
  }

  @Test
  @DisplayName("story-mood: a generator, then the classifier over its text")
  void storyMood() {
    GraphDef graph = only("story-mood.json");
    assertThat(graph.route()).isEqualTo("/story_mood");
    assertThat(graph.nodes().get("story")).isInstanceOf(Node.Generate.class);
    assertThat(((Node.Classify) graph.nodes().get("mood")).text())
        .isEqualTo(new Template.Reference(Ref.parse("nodes.story.text")));
  }

  @Test
  @DisplayName("story-title: the second generator's prompt is a template over the first one's text")
  void storyTitle() {
    Node.Generate title = (Node.Generate) only("story-title.json").nodes().get("title");
    assertThat(title.model()).isEqualTo("distilgpt2");
    assertThat(title.prompt()).isEqualTo(new Template.Text(List.of("Title for: ", Ref.parse("nodes.story.text"), "")));
  }

  @Test
  @DisplayName("regenerate-negative: a switch on the label; the classifier has a default, the second generator a timeout")
  void regenerateNegative() {
    GraphDef graph = only("regenerate-negative.json");
    Node.Switch choice = (Node.Switch) graph.nodes().get("final");
    assertThat(choice.cases()).hasSize(1);
    assertThat(choice.cases().get(0).when().source()).isEqualTo("$nodes.mood.label == \"NEGATIVE\"");
    assertThat(choice.otherwise()).isEqualTo(new Template.Reference(Ref.parse("nodes.story.text")));
    assertThat(graph.nodes().get("mood").common().onError().kind()).isEqualTo(Node.OnError.Kind.DEFAULT);
    assertThat(graph.nodes().get("retry").common()).isEqualTo(new Node.Common(30_000, new Node.OnError(
        Node.OnError.Kind.SKIP, null)));
  }
}
