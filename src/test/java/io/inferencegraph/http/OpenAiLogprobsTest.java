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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayName("logprobs on /v1/completions: each token's raw log-softmax and the best alternatives, streamed or not")
class OpenAiLogprobsTest {
  private static final String PROMPT = "I have an idea!";
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

  private static HttpResponse<Buffer> post(JsonObject body) throws Exception {
    return await(web.post(port, "localhost", "/v1/completions").putHeader("Content-Type", "application/json")
        .sendBuffer(body.toBuffer()));
  }

  private static JsonObject request(String model, int logprobs) {
    return new JsonObject().put("model", model).put("prompt", PROMPT).put("max_tokens", 12).put("logprobs", logprobs);
  }

  /** The torch reference's first-step logits for the model's first prompt, as a log-softmax in double. */
  private static double[] referenceLogSoftmax(String model) {
    var reference = Fixtures.reference(Fixtures.decoder(model));
    assertThat(reference.get("first_step_logits_prompt_index").getAsInt()).isZero();
    assertThat(Fixtures.prompts(Fixtures.decoder(model)).get(0).text()).isEqualTo(PROMPT);
    double[] logits = Fixtures.doubles(reference.getAsJsonArray("first_step_logits")).stream()
        .mapToDouble(Double::doubleValue).toArray();
    double max = java.util.Arrays.stream(logits).max().orElseThrow();
    double logTotal = max + Math.log(java.util.Arrays.stream(logits).map(l -> Math.exp(l - max)).sum());
    return java.util.Arrays.stream(logits).map(l -> l - logTotal).toArray();
  }

  /** Checks the invariants every choice's logprobs keep: lengths, order, sign, offsets inside the text. */
  private static void assertWellFormed(JsonObject choice, int n, boolean greedy) {
    JsonObject logprobs = choice.getJsonObject("logprobs");
    int tokens = logprobs.getJsonArray("tokens").size();
    assertThat(logprobs.getJsonArray("token_logprobs")).hasSize(tokens);
    assertThat(logprobs.getJsonArray("top_logprobs")).hasSize(tokens);
    assertThat(logprobs.getJsonArray("text_offset")).hasSize(tokens);
    int previous = 0;
    for (int t = 0; t < tokens; t++) {
      String token = logprobs.getJsonArray("tokens").getString(t);
      double logprob = logprobs.getJsonArray("token_logprobs").getDouble(t);
      JsonObject top = logprobs.getJsonArray("top_logprobs").getJsonObject(t);
      List<Double> values = top.getMap().values().stream().map(v -> ((Number) v).doubleValue()).toList();
      assertThat(logprob).isLessThanOrEqualTo(0.0);
      assertThat(values).allSatisfy(v -> assertThat(v).isLessThanOrEqualTo(0.0));
      assertThat(values).as("best first").isSortedAccordingTo(Comparator.reverseOrder());
      assertThat(top.getMap()).containsKey(token);
      assertThat(top.getDouble(token)).isEqualTo(logprob);
      if (greedy) {
        assertThat(top.size()).isEqualTo(Math.max(n, 1));
        assertThat(top.fieldNames().iterator().next()).as("greedy: the token is the best").isEqualTo(token);
        assertThat(logprob).isEqualTo(values.get(0));
      } else {
        assertThat(top.size()).isBetween(Math.max(n, 1), n + 1);
      }
      int offset = logprobs.getJsonArray("text_offset").getInteger(t);
      assertThat(offset).isBetween(previous, choice.getString("text").length());
      previous = offset;
    }
  }

  @Test
  @DisplayName("through the official client: tokens, logprobs, alternatives and offsets that spell the text")
  void officialClient() {
    Completion completion = openai.completions().create(CompletionCreateParams.builder().model("distilgpt2")
        .prompt(PROMPT).maxTokens(10).temperature(0.0).logprobs(3).build());
    CompletionChoice choice = completion.choices().get(0);
    CompletionChoice.Logprobs logprobs = choice.logprobs().orElseThrow();
    List<String> tokens = logprobs.tokens().orElseThrow();
    List<Double> values = logprobs.tokenLogprobs().orElseThrow();
    List<Long> offsets = logprobs.textOffset().orElseThrow();
    assertThat(tokens).hasSize(10).hasSize((int) completion.usage().orElseThrow().completionTokens());
    assertThat(String.join("", tokens)).isEqualTo(choice.text());
    for (int t = 0; t < tokens.size(); t++) {
      assertThat(choice.text().substring(offsets.get(t).intValue())).startsWith(tokens.get(t));
      Map<String, com.openai.core.JsonValue> top = logprobs.topLogprobs().orElseThrow().get(t)._additionalProperties();
      assertThat(top).hasSize(3).containsKey(tokens.get(t));
      assertThat(top.get(tokens.get(t)).convert(Double.class)).isEqualTo(values.get(t));
      assertThat(values.get(t)).isNegative();
    }
    assertThat(openai.completions().create(CompletionCreateParams.builder().model("distilgpt2").prompt(PROMPT)
        .maxTokens(3).temperature(0.0).build()).choices().get(0).logprobs()).as("not asked: null").isEmpty();
    List<String> streamedTokens = new ArrayList<>();
    List<Long> streamedOffsets = new ArrayList<>();
    CompletionCreateParams streaming = CompletionCreateParams.builder().model("distilgpt2").prompt(PROMPT)
        .maxTokens(10).temperature(0.0).logprobs(3).build();
    try (var stream = openai.completions().createStreaming(streaming)) {
      stream.stream().forEach(chunk -> chunk.choices().forEach(c -> c.logprobs().ifPresent(l -> {
        streamedTokens.addAll(l.tokens().orElseThrow());
        streamedOffsets.addAll(l.textOffset().orElseThrow());
      })));
    }
    assertThat(streamedTokens).isEqualTo(tokens);
    assertThat(streamedOffsets).isEqualTo(offsets);
  }

  @Test
  @DisplayName("the first token's logprob and alternatives are the log-softmax of torch's logits for that step")
  void firstStepAgainstTorch() throws Exception {
    double[] expected = referenceLogSoftmax("distilgpt2-tiny");
    long firstId = Fixtures.prompts(Fixtures.decoder("distilgpt2-tiny")).get(0).outputIds().get(0);
    JsonObject choice = post(request("distilgpt2", 5).put("temperature", 0)).bodyAsJsonObject()
        .getJsonArray("choices").getJsonObject(0);
    assertWellFormed(choice, 5, true);
    JsonObject logprobs = choice.getJsonObject("logprobs");
    assertThat(logprobs.getJsonArray("token_logprobs").getDouble(0)).isCloseTo(expected[(int) firstId], within(1e-4));
    List<Double> best = IntStream.range(0, expected.length).mapToObj(i -> expected[i])
        .sorted(Comparator.reverseOrder()).limit(5).toList();
    List<Double> served = logprobs.getJsonArray("top_logprobs").getJsonObject(0).getMap().values().stream()
        .map(v -> ((Number) v).doubleValue()).toList();
    assertThat(served).hasSize(5);
    for (int k = 0; k < 5; k++) {
      assertThat(served.get(k)).isCloseTo(best.get(k), within(1e-4));
    }
  }

  @Test
  @DisplayName("a sequence that ends at once on eos lists the eos token, at the end of the empty text")
  void eosIsListed() throws Exception {
    double[] expected = referenceLogSoftmax("gpt2-tiny");
    assertThat(Fixtures.prompts(Fixtures.decoder("gpt2-tiny")).get(0).outputIds()).containsExactly(1006L);
    JsonObject choice = post(request("gpt2", 2).put("temperature", 0)).bodyAsJsonObject()
        .getJsonArray("choices").getJsonObject(0);
    assertThat(choice.getString("text")).isEmpty();
    assertThat(choice.getString("finish_reason")).isEqualTo("stop");
    JsonObject logprobs = choice.getJsonObject("logprobs");
    assertThat(logprobs.getJsonArray("tokens")).containsExactly("<|endoftext|>");
    assertThat(logprobs.getJsonArray("text_offset")).containsExactly(0);
    assertThat(logprobs.getJsonArray("token_logprobs").getDouble(0)).isCloseTo(expected[1006], within(1e-4));
    assertWellFormed(choice, 2, true);
    List<JsonObject> chunks = chunks(post(request("gpt2", 2).put("temperature", 0).put("stream", true)));
    assertSame(concatenated(chunks, 0), logprobs);
  }

  @Test
  @DisplayName("logprobs 0 lists each token with its logprob, and the token alone as its alternatives")
  void zero() throws Exception {
    JsonObject choice = post(request("gpt2-medium", 0).put("temperature", 0.7).put("seed", 5)).bodyAsJsonObject()
        .getJsonArray("choices").getJsonObject(0);
    assertWellFormed(choice, 0, false);
    JsonObject logprobs = choice.getJsonObject("logprobs");
    assertThat(logprobs.getJsonArray("tokens")).isNotEmpty();
    for (int t = 0; t < logprobs.getJsonArray("tokens").size(); t++) {
      assertThat(logprobs.getJsonArray("top_logprobs").getJsonObject(t).getMap())
          .containsExactly(Map.entry(logprobs.getJsonArray("tokens").getString(t),
              logprobs.getJsonArray("token_logprobs").getDouble(t)));
    }
  }

  @Test
  @DisplayName("logprobs are the model's raw ones: temperature changes which token is drawn, not the first step's logprobs")
  void rawBeforeTemperature() throws Exception {
    JsonObject greedy = post(request("distilgpt2", 4).put("temperature", 0)).bodyAsJsonObject()
        .getJsonArray("choices").getJsonObject(0).getJsonObject("logprobs");
    JsonObject hot = post(request("distilgpt2", 4).put("temperature", 0.3).put("top_p", 0.5).put("seed", 1))
        .bodyAsJsonObject().getJsonArray("choices").getJsonObject(0).getJsonObject("logprobs");
    JsonObject greedyTop = greedy.getJsonArray("top_logprobs").getJsonObject(0);
    JsonObject hotTop = hot.getJsonArray("top_logprobs").getJsonObject(0);
    for (String token : greedyTop.fieldNames()) {
      assertThat(hotTop.getDouble(token)).isCloseTo(greedyTop.getDouble(token), within(1e-6));
    }
  }

  @Test
  @DisplayName("streamed chunks carry their tokens' logprobs, which concatenate to the answer's, for n 2 and two prompts")
  void streamedEqualsWhole() throws Exception {
    JsonObject body = new JsonObject().put("model", "gpt2-medium").put("prompt", new JsonArray().add(PROMPT)
        .add("The quick brown fox")).put("max_tokens", 14).put("temperature", 0.9).put("seed", 21).put("n", 2)
        .put("logprobs", 3);
    JsonArray choices = post(body).bodyAsJsonObject().getJsonArray("choices");
    assertThat(choices).hasSize(4);
    List<JsonObject> chunks = chunks(post(body.copy().put("stream", true)));
    for (int i = 0; i < 4; i++) {
      JsonObject choice = choices.getJsonObject(i);
      assertThat(choice.getInteger("index")).isEqualTo(i);
      assertWellFormed(choice, 3, false);
      assertThat(choice.getJsonObject("logprobs").getJsonArray("tokens")).isNotEmpty();
      assertSame(concatenated(chunks, i), choice.getJsonObject("logprobs"));
      StringBuilder text = new StringBuilder();
      for (JsonObject chunk : chunks) {
        JsonObject c = chunk.getJsonArray("choices").getJsonObject(0);
        if (c.getInteger("index") == i) {
          for (Object offset : c.getJsonObject("logprobs").getJsonArray("text_offset")) {
            assertThat((Integer) offset).as("a chunk's tokens start in the text sent so far or in the chunk")
                .isLessThanOrEqualTo(text.length() + c.getString("text").length());
          }
          text.append(c.getString("text"));
        }
      }
      assertThat(text.toString()).isEqualTo(choice.getString("text"));
    }
  }

  @Test
  @DisplayName("logprobs above 5, negative or not an integer: 400 in OpenAI's shape, naming logprobs")
  void refused() throws Exception {
    for (Object bad : List.of(6, -1, "2", 1.5)) {
      HttpResponse<Buffer> response = post(request("gpt2", 0).put("logprobs", bad));
      assertThat(response.statusCode()).as("logprobs %s", bad).isEqualTo(400);
      JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
      assertThat(error.getString("param")).isEqualTo("logprobs");
      assertThat(error.getString("type")).isEqualTo("invalid_request_error");
      assertThat(error.getString("message")).contains("logprobs").contains(bad instanceof Integer ? "0 to 5" : "integer");
    }
    assertThat(post(request("gpt2", 5)).statusCode()).as("5, the most, is served").isEqualTo(200);
    assertThatThrownBy(() -> openai.completions().create(CompletionCreateParams.builder().model("gpt2")
        .prompt(PROMPT).logprobs(6).build()))
        .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).contains("logprobs"));
    assertThat(post(request("gpt2", 0).putNull("logprobs")).bodyAsJsonObject().getJsonArray("choices")
        .getJsonObject(0).getValue("logprobs")).as("null: not asked").isNull();
  }

  @Test
  @DisplayName("logprobs is the request's choice: the configuration cannot make it a default")
  void notADefault() {
    assertThatThrownBy(() -> TestGraphs.config(new JsonObject().put("generation", new JsonObject().put("logprobs", 2))))
        .isInstanceOf(io.inferencegraph.config.ConfigException.class).hasMessageContaining("generation.logprobs");
  }

  @Test
  @DisplayName("a stop string: the tokens before it keep their logprobs, streamed or not, none after it")
  void stopString() throws Exception {
    JsonObject body = request("distilgpt2", 1).put("temperature", 0);
    String full = post(body).bodyAsJsonObject().getJsonArray("choices").getJsonObject(0).getString("text");
    String stop = full.substring(6, 8);
    String expected = full.substring(0, full.indexOf(stop));
    JsonObject choice = post(body.copy().put("stop", stop)).bodyAsJsonObject().getJsonArray("choices").getJsonObject(0);
    assertThat(choice.getString("text")).isEqualTo(expected);
    assertWellFormed(choice, 1, true);
    JsonObject logprobs = choice.getJsonObject("logprobs");
    String spelled = String.join("", logprobs.getJsonArray("tokens").stream().map(String.class::cast).toList());
    assertThat(expected).startsWith(spelled);
    assertThat(spelled.length()).as("only a token cut by the stop string is left out").isGreaterThan(expected.length() - 8);
    assertThat(spelled).doesNotContain(stop);
    assertSame(concatenated(chunks(post(body.copy().put("stop", stop).put("stream", true))), 0), logprobs);
  }

  /**
   * The same tokens, offsets and alternatives, logprobs equal but for float noise: rows batched with
   * other requests (padded differently) give logits a few ulps apart.
   */
  private static void assertSame(JsonObject actual, JsonObject expected) {
    assertThat(actual.getJsonArray("tokens")).isEqualTo(expected.getJsonArray("tokens"));
    assertThat(actual.getJsonArray("text_offset")).isEqualTo(expected.getJsonArray("text_offset"));
    int tokens = expected.getJsonArray("tokens").size();
    for (int t = 0; t < tokens; t++) {
      assertThat(actual.getJsonArray("token_logprobs").getDouble(t))
          .isCloseTo(expected.getJsonArray("token_logprobs").getDouble(t), within(1e-5));
      JsonObject top = actual.getJsonArray("top_logprobs").getJsonObject(t);
      JsonObject expectedTop = expected.getJsonArray("top_logprobs").getJsonObject(t);
      assertThat(List.copyOf(top.fieldNames())).isEqualTo(List.copyOf(expectedTop.fieldNames()));
      for (String token : expectedTop.fieldNames()) {
        assertThat(top.getDouble(token)).isCloseTo(expectedTop.getDouble(token), within(1e-5));
      }
    }
  }

  private static List<JsonObject> chunks(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).isEqualTo(200);
    return response.bodyAsString().lines().filter(line -> line.startsWith("data: {"))
        .map(line -> new JsonObject(line.substring("data: ".length())))
        .filter(chunk -> !chunk.getJsonArray("choices").isEmpty()).toList();
  }

  /** Choice {@code index}'s logprobs over all its chunks, column by column. */
  private static JsonObject concatenated(List<JsonObject> chunks, int index) {
    JsonObject all = new JsonObject();
    for (String column : List.of("tokens", "token_logprobs", "top_logprobs", "text_offset")) {
      List<Object> values = new ArrayList<>();
      for (JsonObject chunk : chunks) {
        JsonObject choice = chunk.getJsonArray("choices").getJsonObject(0);
        if (choice.getInteger("index") == index) {
          values.addAll(choice.getJsonObject("logprobs").getJsonArray(column).getList());
        }
      }
      all.put(column, new JsonArray(values));
    }
    return all;
  }
}
