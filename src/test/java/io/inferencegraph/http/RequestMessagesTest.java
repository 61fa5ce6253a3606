package io.inferencegraph.http;

import io.inferencegraph.TestGraphs;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayName("Request errors speak the user's words, on the graph routes and on /v1, with no parser internals")
class RequestMessagesTest {
  private static WebClient client;
  private static int port;

  @BeforeAll
  static void start(Vertx vertx, VertxTestContext ctx) {
    client = WebClient.create(vertx);
    TestGraphs.deploy(vertx, TestGraphs.config(new JsonObject().put("http", new JsonObject().put("max_body_bytes", 1024))))
        .onComplete(ctx.succeeding(main -> {
          port = main.httpPort();
          ctx.completeNow();
        }));
  }

  @AfterAll
  static void stop() {
    client.close();
  }

  @ParameterizedTest(name = "{0} {1} -> {2} {3}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      /classify_generated_texts | {"text": x}         | 400 | invalid_json | the body is not valid JSON (line 1, column 1
      /classify_generated_texts | `{"text":\n  "hi",}` | 400 | invalid_json | the body is not valid JSON (line 2, column 8)
      /classify_generated_texts | ``                  | 400 | invalid_json | the body is empty; send a JSON object like {"text": "...", "parameters": {...}}
      /classify_generated_texts | "hi"                | 400 | invalid_json | the body must be a JSON object like {"text": "...", "parameters": {...}}, got the string "hi"
      /classify_generated_texts | [1, 2]              | 400 | invalid_json | the body must be a JSON object like {"text": "...", "parameters": {...}}, got a list
      /classify_generated_texts | 5                   | 400 | invalid_json | got 5
      /classify_generated_texts | {"text": 3}         | 400 | invalid_parameter | text: must be a string, got 3
      /classify_generated_texts | {"parameters": {}}  | 400 | invalid_parameter | text: is missing: send a string
      /classify_generated_texts | {"text": "hi", "parameters": [1]} | 400 | invalid_parameter | parameters: must be an object, got a list
      /classify_generated_texts | {"text": "hi", "parameters": {"max_new_tokens": "5"}} | 400 | invalid_parameter | max_new_tokens: must be an integer, got the string "5"
      /classify_generated_texts | {"text": "hi", "parameters": {"max_new_tokens": 2.5}} | 400 | invalid_parameter | max_new_tokens: must be an integer, got 2.5
      /classify_generated_texts | {"text": "hi", "parameters": {"temperature": "hot"}} | 400 | invalid_parameter | temperature: must be a number, got the string "hot"
      /classify_generated_texts | {"text": "hi", "parameters": {"do_sample": "yes"}} | 400 | invalid_parameter | do_sample: must be true or false, got the string "yes"
      /classify_generated_texts | {"text": "hi", "parameters": {"top_k": [5]}} | 400 | invalid_parameter | top_k: must be an integer, got a list
      /classify_generated_texts | LONG                | 413 | payload_too_large | the body is larger than the limit of 1024 bytes (http.max_body_bytes)
      /v1/completions | {"model": "gpt2", x}        | 400 | invalid_json | the body is not valid JSON (line 1, column 19)
      /v1/completions | ``                          | 400 | invalid_json | the body is empty; send a JSON object like {"model": "gpt2", "prompt": "Hello", "max_tokens": 16}
      /v1/completions | "hi"                        | 400 | invalid_json | the body must be a JSON object like {"model": "gpt2", "prompt": "Hello", "max_tokens": 16}, got the string "hi"
      /v1/completions | {"model": "gpt2"} {}        | 400 | invalid_json | the body is not valid JSON (line 1, column 19
      /v1/completions | {"model": "gpt2", "prompt": "hi", "max_tokens": "5"} | 400 | invalid_parameter | max_tokens: must be an integer, got the string "5"
      /v1/completions | {"model": "gpt2", "prompt": "hi", "temperature": "0.5"} | 400 | invalid_parameter | temperature: must be a number, got the string "0.5"
      /v1/completions | {"model": "gpt2", "prompt": "hi", "n": 1.5} | 400 | invalid_parameter | n: must be an integer, got 1.5
      /v1/completions | {"model": "gpt2", "prompt": "hi", "stream": "true"} | 400 | invalid_parameter | stream: must be true or false, got the string "true"
      /v1/completions | {"model": "gpt2", "prompt": 7} | 400 | invalid_parameter | prompt: must be a string, an array of strings, an array of token ids or an array of arrays of token ids, got 7
      /v1/completions | {"model": "gpt2", "prompt": "hi", "stop": [1]} | 400 | invalid_parameter | stop: must be a non-empty string or a list of them, got 1
      /v1/completions | {"model": 2, "prompt": "hi"} | 400 | invalid_parameter | model: must be a string, got 2; one of [
      /v1/completions | LONG                        | 413 | payload_too_large | the body is larger than the limit of 1024 bytes (http.max_body_bytes)
      """)
  void message(String path, String body, int status, String errorType, String message, VertxTestContext ctx) {
    String payload = body.equals("LONG") ? "{\"text\": \"" + "x".repeat(5000) + "\"}" : body.replace("\\n", "\n");
    client.post(port, "localhost", path).putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(payload))
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
          JsonObject json = response.bodyAsJsonObject();
          boolean openAi = path.startsWith("/v1");
          String text = openAi ? json.getJsonObject("error").getString("message") : json.getString("error");
          String type = openAi ? json.getJsonObject("error").getString("code") : json.getString("error_type");
          assertThat(type).isEqualTo(errorType);
          assertThat(text).contains(message).doesNotContain("Failed to decode", "Jackson", "DecodeException",
              "(code ", "java.", "Unrecognized token", "Unexpected character", "REDACTED");
          ctx.completeNow();
        })));
  }
}
