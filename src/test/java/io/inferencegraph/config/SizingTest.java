package io.inferencegraph.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("\"auto\" sizes each model to the machine: small models get one-thread instances, real-sized ones threads")
class SizingTest {
  private static final long MB = 1L << 20;
  private static final long GB = 1L << 30;

  /** A model whose forwards read one token on one row, with the instances and threads asked for. */
  private static Sizing.Facts facts(String name, long bytes, long parameters, int layers, long kvBytes, int forwards,
      int instances, int threads) {
    return new Sizing.Facts(name, bytes, parameters, layers, kvBytes, forwards, instances, threads, 1, 1);
  }

  private static Sizing.Facts model(String name, long bytes, long parameters, int layers, long kvBytes, int forwards) {
    return facts(name, bytes, parameters, layers, kvBytes, forwards, ModelConfig.AUTO, ModelConfig.AUTO);
  }

  /** A generator of the seed's graph: 128 steps a request, each a token on one of the batch's 16 rows. */
  private static Sizing.Facts generator(String name, long bytes, long parameters, int layers, long kvBytes) {
    return new Sizing.Facts(name, bytes, parameters, layers, kvBytes, 128, ModelConfig.AUTO, ModelConfig.AUTO, 1, 16);
  }

  /** The seed's classifier: 3 texts a request, of up to 128 tokens each, one row a forward. */
  private static Sizing.Facts classifier(String name, long bytes, long parameters, int layers, long bufferBytes) {
    return new Sizing.Facts(name, bytes, parameters, layers, bufferBytes, 3, ModelConfig.AUTO, ModelConfig.AUTO, 128, 1);
  }

  /** The default models (models/): three tiny decoders and a tiny classifier. */
  private static final List<Sizing.Facts> TINY = List.of(
      generator("gpt2", 5 * MB, 500_000, 3, 64 * MB), generator("distilgpt2", MB, 200_000, 2, 32 * MB),
      generator("gpt2-medium", 3 * MB, 600_000, 4, 96 * MB), classifier("bert", 4 * MB, 1_000_000, 2, 8 * MB));
  /** bench/conf/gpt2-sized-batching.json: three gpt2-sized decoders and the tiny classifier. */
  private static final List<Sizing.Facts> GPT2 = List.of(
      generator("gpt2", 622 * MB, 124_000_000, 12, 2400 * MB),
      generator("distilgpt2", 622 * MB, 124_000_000, 12, 2400 * MB),
      generator("gpt2-medium", 622 * MB, 124_000_000, 12, 2400 * MB), classifier("bert", 4 * MB, 1_000_000, 2, 8 * MB));
  /** A node whose role is one gpt2-medium-sized generator. */
  private static final List<Sizing.Facts> MEDIUM = List.of(generator("gpt2-medium", 1350 * MB, 355_000_000, 24,
      6400 * MB));
  /** The real-sized set (bench/conf/sized.json): gpt2, distilgpt2, gpt2-medium dimensions and bert-base. */
  private static final List<Sizing.Facts> REAL = List.of(
      generator("gpt2", 622 * MB, 124_000_000, 12, 2400 * MB),
      generator("distilgpt2", 312 * MB, 82_000_000, 6, 1200 * MB),
      generator("gpt2-medium", 1350 * MB, 355_000_000, 24, 6400 * MB),
      classifier("bert", 418 * MB, 110_000_000, 12, 768 * MB));

  static Stream<Arguments> plans() {
    return Stream.of(
        Arguments.of("tiny", 2, TINY, "gpt2=1x1 distilgpt2=1x1 gpt2-medium=1x1 bert=1x1"),
        Arguments.of("tiny", 8, TINY, "gpt2=2x1 distilgpt2=2x1 gpt2-medium=2x1 bert=2x1"),
        Arguments.of("tiny", 16, TINY, "gpt2=4x1 distilgpt2=4x1 gpt2-medium=5x1 bert=3x1"),
        Arguments.of("tiny", 64, TINY, "gpt2=18x1 distilgpt2=15x1 gpt2-medium=21x1 bert=10x1"),
        // no more cores than models: the real-sized ones take every core as threads, in turns
        Arguments.of("gpt2", 2, GPT2, "gpt2=1x2 distilgpt2=1x2 gpt2-medium=1x2 bert=1x1"),
        Arguments.of("gpt2", 8, GPT2, "gpt2=1x3 distilgpt2=1x2 gpt2-medium=1x2 bert=1x1"),
        Arguments.of("gpt2", 16, GPT2, "gpt2=1x5 distilgpt2=1x5 gpt2-medium=1x5 bert=1x1"),
        Arguments.of("gpt2", 64, GPT2, "gpt2=1x21 distilgpt2=1x21 gpt2-medium=1x21 bert=1x1"),
        Arguments.of("gpt2-medium", 2, MEDIUM, "gpt2-medium=1x2"),
        Arguments.of("gpt2-medium", 8, MEDIUM, "gpt2-medium=1x8"),
        Arguments.of("gpt2-medium", 16, MEDIUM, "gpt2-medium=1x16"),
        Arguments.of("gpt2-medium", 64, MEDIUM, "gpt2-medium=1x64"),
        Arguments.of("real-sized", 2, REAL, "gpt2=1x2 distilgpt2=1x2 gpt2-medium=1x2 bert=1x2"),
        Arguments.of("real-sized", 4, REAL, "gpt2=1x4 distilgpt2=1x4 gpt2-medium=1x4 bert=1x4"),
        Arguments.of("real-sized", 8, REAL, "gpt2=1x2 distilgpt2=1x1 gpt2-medium=1x3 bert=1x2"),
        Arguments.of("real-sized", 16, REAL, "gpt2=1x3 distilgpt2=1x2 gpt2-medium=1x6 bert=1x5"),
        Arguments.of("real-sized", 64, REAL, "gpt2=1x11 distilgpt2=1x7 gpt2-medium=1x28 bert=1x18"));
  }

  private static String sizes(List<Sizing.Choice> plan) {
    return plan.stream().map(c -> c.name() + "=" + c.instances() + "x" + c.threads()).collect(Collectors.joining(" "));
  }

  @ParameterizedTest(name = "{0} models on {1} cores: {3}")
  @MethodSource("plans")
  @DisplayName("the choice for each model set and core count, with memory to spare")
  void choice(String set, int cores, List<Sizing.Facts> models, String expected) {
    List<Sizing.Choice> plan = Sizing.plan(new Sizing.Machine(cores, 64 * GB), models);
    assertThat(sizes(plan)).isEqualTo(expected);
    int busy = plan.stream().mapToInt(c -> c.instances() + c.threads() - 1).sum();
    if (cores > models.size()) { // never more busy threads than cores
      assertThat(busy).isEqualTo(cores);
    } else { // crowded: a real-sized model takes every core, a small one keeps its one
      assertThat(plan).allSatisfy(c -> assertThat(c.instances() * c.threads()).isIn(1, cores));
    }
  }

  @Test
  @DisplayName("each choice says why: the model's size class, its share of the cores and of the work")
  void why() {
    List<Sizing.Choice> plan = Sizing.plan(new Sizing.Machine(16, 64 * GB), REAL);
    assertThat(plan.get(2).why()).startsWith("real-sized, 355.0M parameters, 1350 MB; 6 of 16 cores for 44% of the "
        + "work per request: matrix- and bandwidth-bound");
    assertThat(Sizing.plan(new Sizing.Machine(16, 64 * GB), TINY).get(0).why())
        .contains("small").contains("4 of 16 cores").contains("bound by per-step overhead");
  }

  @Test
  @DisplayName("short of memory, auto instances shrink (the most numerous first) until the KV caches fit")
  void memoryLimited() {
    // weights 13 MB once, 16 MB per instance beside each KV cache: 15 instances want ~3.8 GB
    List<Sizing.Choice> roomy = Sizing.plan(new Sizing.Machine(16, 4 * GB), TINY);
    assertThat(sizes(roomy)).isEqualTo("gpt2=4x1 distilgpt2=4x1 gpt2-medium=5x1 bert=3x1");
    List<Sizing.Choice> tight = Sizing.plan(new Sizing.Machine(16, GB), TINY);
    assertThat(sizes(tight)).isEqualTo("gpt2=3x1 distilgpt2=4x1 gpt2-medium=4x1 bert=3x1");
    assertThat(tight.get(2).why()).endsWith("; fewer instances to fit 1024 MB of memory");
    assertThat(MemoryFit.need(TINY, tight)).isLessThanOrEqualTo(GB);
    List<Sizing.Choice> starved = Sizing.plan(new Sizing.Machine(16, 100 * MB), TINY);
    assertThat(sizes(starved)).isEqualTo("gpt2=1x1 distilgpt2=1x1 gpt2-medium=1x1 bert=1x1");
    assertThat(starved.get(3).why()).endsWith("; the plan needs 277 MB but 100 MB are available");
  }

  @Test
  @DisplayName("a real-sized model that does not fit keeps one instance and the plan says how much it needs")
  void realSizedTooBig() {
    List<Sizing.Choice> plan = Sizing.plan(new Sizing.Machine(16, 4 * GB), MEDIUM);
    assertThat(sizes(plan)).isEqualTo("gpt2-medium=1x16");
    assertThat(plan.get(0).why()).endsWith("; the plan needs 7766 MB but 4096 MB are available");
  }

  @Test
  @DisplayName("on a crowded node the cores fixed models take are not given out, and one fixed instance still gets every core left")
  void crowdedWithFixedModels() {
    Sizing.Facts gpt2 = REAL.get(0);
    Sizing.Facts medium = REAL.get(2);
    List<Sizing.Facts> models = List.of(
        facts("pinned", gpt2.bytes(), gpt2.parameters(), gpt2.layers(), gpt2.instanceBytes(),
            gpt2.forwardsPerRequest(), 1, 1),
        facts("one", medium.bytes(), medium.parameters(), medium.layers(), medium.instanceBytes(),
            medium.forwardsPerRequest(), 1, ModelConfig.AUTO),
        REAL.get(1));
    // 3 cores, one taken by "pinned": 2 left for two models, so each real-sized one gets both
    assertThat(sizes(Sizing.plan(new Sizing.Machine(3, 64 * GB), models))).isEqualTo("pinned=1x1 one=1x2 distilgpt2=1x2");
    // 2 cores, one taken: the one left
    assertThat(sizes(Sizing.plan(new Sizing.Machine(2, 64 * GB), models))).isEqualTo("pinned=1x1 one=1x1 distilgpt2=1x1");
  }

  @Test
  @DisplayName("explicit numbers win and their cores are taken out of what the auto models share")
  void explicitWins() {
    List<Sizing.Facts> models = List.of(
        facts("gpt2", 5 * MB, 500_000, 3, 64 * MB, 128, 8, 1),
        facts("distilgpt2", MB, 200_000, 2, 32 * MB, 128, ModelConfig.AUTO, 2),
        model("gpt2-medium", 3 * MB, 600_000, 4, 96 * MB, 128), model("bert", 4 * MB, 1_000_000, 2, 8 * MB, 3));
    List<Sizing.Choice> plan = Sizing.plan(new Sizing.Machine(16, 64 * GB), models);
    // 8 cores left for three models: shares 3, 4, 1 by work
    assertThat(sizes(plan)).isEqualTo("gpt2=8x1 distilgpt2=2x2 gpt2-medium=4x1 bert=1x1");
    assertThat(plan.get(0).why()).isEqualTo("as configured");
  }

  @Test
  @DisplayName("cores are shared by work per request, at least one each, summing to the cores")
  void shares() {
    assertThat(Shares.apportion(16, new double[] {1, 1, 1, 0.01})).containsExactly(5, 5, 5, 1);
    assertThat(Shares.apportion(3, new double[] {5, 1, 1, 1})).containsExactly(1, 1, 1, 1).hasSize(4);
    assertThat(Shares.apportion(10, new double[] {3, 1})).containsExactly(7, 3);
    assertThat(Shares.apportion(4, new double[] {0, 0})).containsExactly(2, 2);
  }

  @Test
  @DisplayName("50M parameters or 200 MB of weights make a model real-sized; a forward costs 0.05 ms, 0.02 ms a layer, "
      + "its tokens' matrix work at 100 GFLOP/s and the weights beyond 32 MB streamed at 25 MB/ms, once for its rows")
  void sizeClassAndCost() {
    assertThat(model("p", 0, Sizing.HEAVY_PARAMETERS, 1, 0, 1).heavy()).isTrue();
    assertThat(model("p", 0, Sizing.HEAVY_PARAMETERS - 1, 1, 0, 1).heavy()).isFalse();
    assertThat(model("b", Sizing.HEAVY_BYTES, 0, 1, 0, 1).heavy()).isTrue();
    assertThat(model("b", Sizing.HEAVY_BYTES - 1, 0, 1, 0, 1).heavy()).isFalse();
    assertThat(model("cached", 32 * MB, 0, 3, 0, 1).forwardMs()).isCloseTo(0.11, within(1e-12));
    assertThat(model("streamed", 32 * MB + 50_000_000, 0, 3, 0, 1).forwardMs()).isCloseTo(2.11, within(1e-12));
    // 2 flops a parameter a token at 100 GFLOP/s: 50M parameters, 1 token 1 ms, a text of 128 tokens 128 ms
    assertThat(model("matrix", 0, 50_000_000, 1, 0, 1).forwardMs()).isCloseTo(1.07, within(1e-9));
    assertThat(new Sizing.Facts("text", 0, 50_000_000, 1, 0, 1, 0, 0, 128, 1).forwardMs()).isCloseTo(128.07, within(1e-9));
    // the batch's 16 rows share one pass over the weights
    assertThat(new Sizing.Facts("rows", 32 * MB + 50_000_000, 0, 3, 0, 1, 0, 0, 1, 16).forwardMs())
        .isCloseTo(0.235, within(1e-12));
  }

  @Test
  @DisplayName("a fixed instance count leaves the rest of the share to threads, and a fixed thread count to instances")
  void halfFixed() {
    List<Sizing.Facts> small = List.of(facts("i", MB, 1000, 1, 0, 1, 3, ModelConfig.AUTO),
        facts("t", MB, 1000, 1, 0, 1, ModelConfig.AUTO, 2));
    // 8 cores, equal work: 4 each; 3 instances get 2 threads, 2 threads get 3 instances
    assertThat(sizes(Sizing.plan(new Sizing.Machine(8, 64 * GB), small))).isEqualTo("i=3x2 t=3x2");
    List<Sizing.Facts> heavy = List.of(facts("i", GB, 300_000_000, 24, 0, 1, 2, ModelConfig.AUTO),
        facts("t", GB, 300_000_000, 24, 0, 1, ModelConfig.AUTO, 3));
    assertThat(sizes(Sizing.plan(new Sizing.Machine(8, 64 * GB), heavy))).isEqualTo("i=2x3 t=1x3");
    assertThat(Sizing.plan(new Sizing.Machine(8, 64 * GB), List.of())).isEmpty();
    assertThat(Shares.apportion(4, new double[0])).isEmpty();
  }

  @Test
  @DisplayName("a plan that fits exactly is kept; short by one instance, the first of the most numerous gives one up")
  void exactFit() {
    List<Sizing.Facts> twins = List.of(model("a", 0, 1000, 1, 0, 1), model("b", 0, 1000, 1, 0, 1));
    // 4 cores: 2 one-thread instances each, 16 MB of buffers per instance
    List<Sizing.Choice> exact = Sizing.plan(new Sizing.Machine(4, 64 * MB), twins);
    assertThat(sizes(exact)).isEqualTo("a=2x1 b=2x1");
    assertThat(exact).extracting(Sizing.Choice::why).allMatch(why -> why.endsWith("one-thread instances side by side"));
    List<Sizing.Choice> short1 = Sizing.plan(new Sizing.Machine(4, 64 * MB - 1), twins);
    assertThat(sizes(short1)).isEqualTo("a=1x1 b=2x1");
    assertThat(short1.get(0).why()).endsWith(": bound by per-step overhead, so one-thread instances side by side; "
        + "fewer instances to fit 63 MB of memory");
    assertThat(short1.get(1).why()).endsWith("side by side");
  }
}
