package io.inferencegraph.http;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.BadRequestException;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionChoice;
import com.openai.models.completions.CompletionCreateParams;
import io.inferencegraph.TestGraphs;
import io.inferencegraph.model.Fixtures;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayName("/v1/completions takes prompt as OpenAI does: a string, strings, token ids, arrays of token ids")
class OpenAiPromptsTest {
  private static final List<String> PROMPTS = List.of("I have an idea!", "The weather today", "Once upon a time");
  private static OpenAIClient openai;
  private static WebClient web;
  private static int port;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    port = await(TestGraphs.deploy(vertx, TestGraphs.config(new JsonObject()))).httpPort();
    web = WebClient.create(vertx);
    openai = OpenAIOkHttpClient.builder().baseUrl("http://localhost:" + port + "/v1").apiKey("not-needed")
        .maxRetries(0).build();
  }

  @AfterAll
  static void stop() {
    openai.close();
    web.close();
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }

  private static CompletionCreateParams.Builder sampled() {
    return CompletionCreateParams.builder().model("distilgpt2").maxTokens(8).temperature(0.9).seed(21).n(2);
  }

  private static HttpResponse<Buffer> post(JsonObject body) throws Exception {
    return await(web.post(port, "localhost", "/v1/completions").putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(body.encode())));
  }

  @Test
  @DisplayName("an array of strings gives n choices per prompt, indexed i * n + j, each as its prompt alone gives it")
  void severalPrompts() {
    Completion all = openai.completions().create(sampled().promptOfArrayOfStrings(PROMPTS).build());
    assertThat(all.choices()).extracting(CompletionChoice::index).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    long promptTokens = 0;
    long completionTokens = 0;
    for (int i = 0; i < PROMPTS.size(); i++) {
      Completion alone = openai.completions().create(sampled().prompt(PROMPTS.get(i)).build());
      for (int j = 0; j < 2; j++) {
        assertThat(all.choices().get(i * 2 + j).text()).as("prompt %d, choice %d", i, j)
            .isEqualTo(alone.choices().get(j).text());
      }
      promptTokens += alone.usage().orElseThrow().promptTokens();
      completionTokens += alone.usage().orElseThrow().completionTokens();
    }
    assertThat(all.choices().get(0).text()).isNotEqualTo(all.choices().get(2).text());
    assertThat(all.usage().orElseThrow().promptTokens()).isEqualTo(promptTokens);
    assertThat(all.usage().orElseThrow().completionTokens()).isEqualTo(completionTokens);
  }

  @Test
  @DisplayName("token ids, one array or several, are continued as the text they encode is")
  void tokenIds() {
    List<Fixtures.Prompt> reference = Fixtures.prompts(Fixtures.decoder("distilgpt2-tiny"));
    List<Long> first = reference.get(0).inputIds();
    List<Long> second = reference.get(1).inputIds();
    CompletionCreateParams.Builder greedy = CompletionCreateParams.builder().model("distilgpt2").maxTokens(10)
        .temperature(0.0);
    String firstText = openai.completions().create(greedy.prompt(reference.get(0).text()).build())
        .choices().get(0).text();
    String secondText = openai.completions().create(greedy.prompt(reference.get(1).text()).build())
        .choices().get(0).text();
    assertThat(firstText).isNotEmpty().isNotEqualTo(secondText);
    Completion one = openai.completions().create(greedy.promptOfArrayOfTokens(first).build());
    assertThat(one.choices()).singleElement().satisfies(c -> assertThat(c.text()).isEqualTo(firstText));
    assertThat(one.usage().orElseThrow().promptTokens()).isEqualTo(first.size());
    Completion two = openai.completions().create(greedy.promptOfArrayOfTokenArrays(List.of(first, second)).build());
    assertThat(two.choices()).extracting(CompletionChoice::text).containsExactly(firstText, secondText);
    assertThat(two.choices()).extracting(CompletionChoice::index).containsExactly(0L, 1L);
  }

  @Test
  @DisplayName("a token id outside the model's vocabulary is a 400 naming prompt")
  void idOutsideTheVocabulary() {
    assertThatThrownBy(() -> openai.completions().create(CompletionCreateParams.builder().model("gpt2").maxTokens(2)
        .promptOfArrayOfTokens(List.of(40L, 1_000_000L)).build()))
        .isInstanceOfSatisfying(BadRequestException.class, e -> {
          assertThat(e.param()).contains("prompt");
          assertThat(e.getMessage()).contains("1000000").contains("vocabulary");
        });
  }

  @Test
  @DisplayName("no prompt, an empty array, mixed kinds, an empty id list, more than 16 choices in all: 400 naming prompt")
  void badPrompts() throws Exception {
    JsonObject base = new JsonObject().put("model", "gpt2").put("max_tokens", 2);
    List<Object> bad = List.of(new JsonArray(), new JsonArray().add("a").add(3), new JsonArray().add(3).add("a"),
        new JsonArray().add(new JsonArray()), new JsonArray().add(new JsonArray().add(1)).add("a"),
        new JsonArray().add(-1), new JsonArray().add(true), 5);
    for (Object prompt : bad) {
      HttpResponse<Buffer> response = post(base.copy().put("prompt", prompt));
      assertThat(response.statusCode()).as("prompt %s", prompt).isEqualTo(400);
      assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("param")).as("prompt %s", prompt)
          .isEqualTo("prompt");
    }
    HttpResponse<Buffer> missing = post(base);
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(missing.bodyAsJsonObject().getJsonObject("error").getString("message")).startsWith("prompt: is missing");
    JsonArray nine = new JsonArray();
    for (int i = 0; i < 9; i++) {
      nine.add("p" + i);
    }
    HttpResponse<Buffer> tooMany = post(base.copy().put("prompt", nine).put("n", 2));
    assertThat(tooMany.statusCode()).isEqualTo(400);
    assertThat(tooMany.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("18").contains("16");
    JsonArray eight = new JsonArray(nine.getList().subList(0, 8));
    assertThat(post(base.copy().put("prompt", eight).put("n", 2)).statusCode()).as("16 choices").isEqualTo(200);
  }

  @Test
  @DisplayName("streamed, several prompts' chunks carry index i * n + j and add up to the unstreamed texts")
  void streamedPrompts() throws Exception {
    JsonObject body = new JsonObject().put("model", "distilgpt2").put("prompt", new JsonArray(PROMPTS))
        .put("max_tokens", 8).put("temperature", 0.9).put("seed", 21).put("n", 2);
    JsonArray choices = post(body).bodyAsJsonObject().getJsonArray("choices");
    String stream = post(body.copy().put("stream", true)).bodyAsString();
    Map<Integer, StringBuilder> texts = new HashMap<>();
    Map<Integer, Integer> finishes = new HashMap<>();
    stream.lines().filter(line -> line.startsWith("data: {")).map(line -> new JsonObject(line.substring(6)))
        .flatMap(chunk -> chunk.getJsonArray("choices").stream().map(JsonObject.class::cast))
        .forEach(choice -> {
          int index = choice.getInteger("index");
          texts.computeIfAbsent(index, i -> new StringBuilder()).append(choice.getString("text"));
          if (choice.getString("finish_reason") != null) {
            finishes.merge(index, 1, Integer::sum);
          }
        });
    assertThat(texts.keySet()).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
    assertThat(finishes).containsOnlyKeys(0, 1, 2, 3, 4, 5).allSatisfy((index, count) -> assertThat(count).isOne());
    for (int index = 0; index < 6; index++) {
      assertThat(texts.get(index).toString()).as("choice %d", index)
          .isEqualTo(choices.getJsonObject(index).getString("text"));
    }
    assertThat(stream.strip()).endsWith("data: [DONE]");
  }

  @Test
  @DisplayName("streamed, a prompt whose choices all met a stop string ends alone; the others go on to [DONE]")
  void streamedPromptsWithStop() throws Exception {
    JsonObject body = new JsonObject().put("model", "gpt2").put("prompt", new JsonArray(PROMPTS.subList(0, 2)))
        .put("max_tokens", 12).put("temperature", 0.9).put("seed", 4);
    String first = post(body).bodyAsJsonObject().getJsonArray("choices").getJsonObject(0).getString("text");
    assertThat(first.length()).isGreaterThan(6);
    JsonObject stopped = body.copy().put("stop", first.substring(4, 6));
    JsonArray choices = post(stopped).bodyAsJsonObject().getJsonArray("choices");
    assertThat(choices.getJsonObject(0).getString("finish_reason")).isEqualTo("stop");
    String stream = post(stopped.copy().put("stream", true)).bodyAsString();
    Map<Integer, StringBuilder> texts = new HashMap<>();
    stream.lines().filter(line -> line.startsWith("data: {")).map(line -> new JsonObject(line.substring(6)))
        .flatMap(chunk -> chunk.getJsonArray("choices").stream().map(JsonObject.class::cast))
        .forEach(choice -> texts.computeIfAbsent(choice.getInteger("index"), i -> new StringBuilder())
            .append(choice.getString("text")));
    for (int index = 0; index < 2; index++) {
      assertThat(texts.get(index).toString()).as("choice %d", index)
          .isEqualTo(choices.getJsonObject(index).getString("text"));
    }
    assertThat(stream.strip()).endsWith("data: [DONE]");
  }
}
