package io.inferencegraph.http;

import io.inferencegraph.DeliveryGate;
import io.inferencegraph.MainVerticle;
import io.inferencegraph.bus.Addresses;
import io.inferencegraph.config.ConfigLoader;
import io.inferencegraph.config.ConfigSource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * POST /admin/reload on a real server with the real models: the file it was started from is edited,
 * then read again. Each test starts its own server from its own copy of conf/config.json.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@DisplayName("Reload: the configuration read again and applied without a restart")
class ReloadTest {
  private static final String SEED = "classify_generated_texts";
  private static final JsonObject SEED_REQUEST = new JsonObject().put("text", "I have an idea!")
      .put("parameters", new JsonObject().put("max_new_tokens", 4));

  @TempDir
  Path dir;
  private Path file;
  private Vertx vertx;
  private WebClient web;
  private int port;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    this.vertx = vertx;
    file = dir.resolve("config.json");
    write(seed());
    ConfigSource source = () -> ConfigLoader.parse(ConfigLoader.load(file, Map.of(), new Properties()));
    MainVerticle main = new MainVerticle(source.load(), source, null, MainVerticle.ObserverHook.NONE);
    await(vertx.deployVerticle(main));
    port = main.httpPort();
    web = WebClient.create(vertx, new WebClientOptions(), new PoolOptions().setHttp1MaxSize(16));
  }

  @AfterEach
  void stop() {
    web.close();
  }

  /** conf/config.json on a free port; each model sized explicitly, so that no count of cores changes one. */
  static JsonObject seed() {
    JsonObject json = ConfigLoader.load(Path.of("conf/config.json"), Map.of(), new Properties());
    json.getJsonObject("http").put("port", 0);
    JsonObject models = json.getJsonObject("models");
    models.fieldNames().forEach(name -> models.getJsonObject(name).put("instances", 1).put("intra_op_threads", 1));
    return json;
  }

  /** A graph over a second copy of gpt2 (a new model) and the classifier: {"topic"} in, {"text", "label"} out. */
  static JsonObject withStory(JsonObject json) {
    json.getJsonObject("models").put("gpt2-copy", new JsonObject().put("path", "gpt2-tiny")
        .put("task", "text-generation").put("instances", 1).put("intra_op_threads", 1));
    json.getJsonObject("graphs").put("story", new JsonObject().put("route", "/story")
        .put("input", new JsonObject().put("topic", "string"))
        .put("nodes", new JsonObject()
            .put("draft", new JsonObject().put("generate", "gpt2-copy").put("prompt", "$input.topic"))
            .put("verdict", new JsonObject().put("classify", "bert-base-uncased").put("text", "$nodes.draft.text")))
        .put("output", new JsonObject().put("text", "$nodes.draft.text").put("label", "$nodes.verdict.label")));
    return json;
  }

  @Test
  @DisplayName("a graph over a new model added to the file: the model loads, the graph answers at its route")
  void addsGraphAndRoute() throws Exception {
    assertThat(await(post("/story", new JsonObject().put("topic", "Rain"))).statusCode()).isEqualTo(404);
    write(withStory(seed()));

    HttpResponse<Buffer> reload = await(reload());

    assertThat(reload.statusCode()).isEqualTo(200);
    JsonObject changes = reload.bodyAsJsonObject();
    assertThat(changes.getJsonObject("graphs")).isEqualTo(changes("[\"story\"]", "[]", "[]"));
    assertThat(changes.getJsonObject("models")).isEqualTo(changes("[\"gpt2-copy\"]", "[]", "[]"));
    assertThat(changes.getJsonArray("restart_required")).isEmpty();
    HttpResponse<Buffer> story = await(post("/story", new JsonObject().put("topic", "Rain")
        .put("parameters", new JsonObject().put("max_new_tokens", 4))));
    assertThat(story.statusCode()).as(story.bodyAsString()).isEqualTo(200);
    assertThat(story.bodyAsJsonObject().getString("text")).startsWith("Rain");
    assertThat(story.bodyAsJsonObject().getString("label")).isNotBlank();
    assertThat(graphNames()).containsExactly(SEED, "story");
    assertThat(await(web.get(port, "localhost", "/readyz").send()).statusCode()).isEqualTo(200);
    assertThat(await(post("/" + SEED, SEED_REQUEST)).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("a file with errors changes nothing; the answer lists every problem at its JSON Pointer")
  void brokenConfigChangesNothing() throws Exception {
    JsonObject broken = withStory(seed());
    JsonObject story = broken.getJsonObject("graphs").getJsonObject("story");
    story.getJsonObject("nodes").getJsonObject("verdict").put("classify", "no-such-model");
    story.getJsonObject("input").put("topic", "strng");
    write(broken);

    HttpResponse<Buffer> refused = await(reload());

    assertThat(refused.statusCode()).isEqualTo(422);
    JsonObject body = refused.bodyAsJsonObject();
    assertThat(body.getString("error_type")).isEqualTo("invalid_config");
    assertThat(body.getString("error")).contains("nothing changed");
    List<String> pointers = body.getJsonArray("problems").stream().map(JsonObject.class::cast)
        .filter(p -> p.getString("severity").equals("error")).map(p -> p.getString("pointer")).toList();
    assertThat(pointers).contains("/graphs/story/input/topic", "/graphs/story/nodes/verdict/classify");
    unchanged();

    JsonObject badValue = seed();
    badValue.getJsonObject("http").put("max_body_bytes", 0);
    write(badValue);
    assertProblem(await(reload()), "/http/max_body_bytes");
    Files.writeString(file, "{ not json");
    assertProblem(await(reload()), "");
    JsonObject missingFiles = withStory(seed());
    missingFiles.getJsonObject("models").getJsonObject("gpt2-copy").put("path", dir.resolve("nowhere").toString());
    write(missingFiles);
    assertProblem(await(reload()), "/models/gpt2-copy");
    unchanged();
  }

  @Test
  @DisplayName("a file that is no longer valid JSON: 422 naming the file, line, column and why, in the user's words")
  void syntaxErrorInTheUsersWords() throws Exception {
    String broken = seed().encodePrettily().replaceFirst(" : ", " "); // line 2: "models_dir" "models",
    Files.writeString(file, broken);
    int column = broken.lines().toList().get(1).indexOf("\" \"") + 3;

    HttpResponse<Buffer> refused = await(reload());

    assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(422);
    String message = file + " is not valid JSON (line 2, column " + column + "): expected ':' after the field name, "
        + "got '\"'";
    JsonObject body = refused.bodyAsJsonObject();
    assertThat(body.getString("error")).isEqualTo("the configuration was not applied (nothing changed): error at /: "
        + message);
    assertThat(body.getJsonArray("problems")).containsExactly(new JsonObject().put("severity", "error")
        .put("pointer", "").put("message", message));
    assertThat(refused.bodyAsString()).doesNotContain("com.fasterxml", "Unexpected character", "(code ", "Source");
    unchanged();
  }

  @Test
  @DisplayName("a removed model is unloaded once the requests routed before finish: its address has no handler")
  void removedModelIsUnloaded() throws Exception {
    JsonObject next = withStory(seed());
    next.getJsonObject("models").remove("gpt2-medium");
    next.getJsonObject("graphs").remove(SEED);
    next.getJsonObject("models").getJsonObject("bert-base-uncased").getJsonObject("batching").put("max_batch_size", 8);
    write(next);
    // A seed request holds at gpt2-medium's door: it runs on the old graphs, gpt2-medium included.
    DeliveryGate gate = DeliveryGate.close(vertx, Addresses.generator("gpt2-medium"), 1);
    Future<HttpResponse<Buffer>> inFlight = post("/" + SEED, SEED_REQUEST);
    await(gate.arrived());

    Future<HttpResponse<Buffer>> reload = reload();
    await(graphsUntil(names -> !names.contains(SEED)));
    assertThat(reload.isComplete()).as("the reload waits for the request the old graphs took").isFalse();
    gate.open();

    assertThat(await(inFlight).statusCode()).isEqualTo(200);
    assertThat(await(inFlight).bodyAsJsonArray()).hasSize(3);
    JsonObject changes = await(reload).bodyAsJsonObject();
    assertThat(changes.getJsonObject("graphs")).isEqualTo(changes("[\"story\"]", "[\"" + SEED + "\"]", "[]"));
    assertThat(changes.getJsonObject("models"))
        .isEqualTo(changes("[\"gpt2-copy\"]", "[\"gpt2-medium\"]", "[\"bert-base-uncased\"]"));
    Throwable gone = await(vertx.eventBus().request(Addresses.generator("gpt2-medium"), new JsonObject())
        .map(reply -> (Throwable) null).otherwise(error -> error));
    assertThat(gone).isInstanceOf(ReplyException.class);
    assertThat(((ReplyException) gone).failureType()).isEqualTo(ReplyFailure.NO_HANDLERS);
    assertThat(await(web.get(port, "localhost", "/graphs/" + SEED).send()).statusCode()).isEqualTo(404);
    assertThat(await(post("/" + SEED, SEED_REQUEST)).statusCode()).isEqualTo(404);
    assertThat(await(web.get(port, "localhost", "/readyz").send()).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> story = await(post("/story", new JsonObject().put("topic", "Rain")
        .put("parameters", new JsonObject().put("max_new_tokens", 4))));
    assertThat(story.statusCode()).as("the reloaded classifier answers").isEqualTo(200);
  }

  @Test
  @DisplayName("under load from 4 clients, the seed graph swapped for an equivalent one: every request answers 200")
  void swapUnderLoad() throws Exception {
    JsonObject next = seed();
    JsonObject graph = next.getJsonObject("graphs").getJsonObject(SEED);
    graph.put("route", "/classify_v2").put("description", "the seed graph, at another route");
    write(next);
    int clients = 4;
    int afterSwap = 3;
    Queue<Integer> statuses = new ConcurrentLinkedQueue<>();
    AtomicInteger answered = new AtomicInteger();
    AtomicInteger spanned = new AtomicInteger();
    AtomicBoolean swapped = new AtomicBoolean();
    AtomicReference<JsonObject> reloadAnswer = new AtomicReference<>();
    // After the first 4 answers, a gate holds each client's next request at the classifier: 4 requests in flight
    // on the old graphs while the reload swaps them; the gate opens once the reload has answered.
    Runnable onAnswer = () -> {
      if (answered.incrementAndGet() == clients) {
        DeliveryGate gate = DeliveryGate.close(vertx, "graph.classify.", clients);
        gate.arrived().compose(held -> reload()).onComplete(done -> {
          reloadAnswer.set(done.succeeded() ? done.result().bodyAsJsonObject() : new JsonObject());
          swapped.set(true);
          gate.open();
        });
      }
    };
    List<Future<Integer>> loops = java.util.stream.IntStream.range(0, clients)
        .mapToObj(i -> client(new Client(statuses, spanned, swapped, onAnswer, afterSwap, 40))).toList();

    List<Integer> afterSwapCounts = await(Future.all(loops)).list();

    assertThat(statuses).isNotEmpty().allMatch(status -> status == 200);
    assertThat(afterSwapCounts).allMatch(n -> n >= afterSwap);
    assertThat(spanned.get()).as("requests sent before the swap and answered after it").isGreaterThanOrEqualTo(clients);
    assertThat(reloadAnswer.get().getJsonObject("graphs")).as(reloadAnswer.get().encode())
        .isEqualTo(changes("[]", "[]", "[\"" + SEED + "\"]"));
    assertThat(reloadAnswer.get().getJsonObject("models")).isEqualTo(changes("[]", "[]", "[]"));
    assertThat(await(post("/classify_v2", SEED_REQUEST)).statusCode()).isEqualTo(200);
    assertThat(await(post("/" + SEED, SEED_REQUEST)).statusCode()).isEqualTo(404);
  }

  @Test
  @DisplayName("two reloads asked at once run one after the other: the second finds nothing left to change")
  void oneAtATime() throws Exception {
    write(withStory(seed()));

    List<HttpResponse<Buffer>> both = await(Future.all(reload(), reload())).list();

    assertThat(both).extracting(HttpResponse::statusCode).containsExactly(200, 200);
    List<JsonObject> added = both.stream().map(r -> r.bodyAsJsonObject().getJsonObject("models")).toList();
    assertThat(added).containsExactlyInAnyOrder(changes("[\"gpt2-copy\"]", "[]", "[]"), changes("[]", "[]", "[]"));
  }

  @Test
  @DisplayName("a client on another address than loopback gets 403 forbidden in the error shape")
  void remoteClientsAreRefused() throws Exception {
    Optional<InetAddress> address = nonLoopbackAddress();
    assumeTrue(address.isPresent(), "this host has no non-loopback IPv4 address to call from");
    HttpResponse<Buffer> refused = await(web.post(port, address.get().getHostAddress(), AdminRoutes.RELOAD).send());
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.bodyAsJsonObject().getString("error_type")).isEqualTo("forbidden");
    assertThat(refused.bodyAsJsonObject().getString("error")).contains("http.allow_remote_admin");
  }

  @Test
  @DisplayName("loopback is 127.0.0.0/8 and ::1; anything else, or no address, is remote")
  void loopbackAddresses() {
    assertThat(AdminRoutes.loopback(SocketAddress.inetSocketAddress(1, "127.0.0.1"))).isTrue();
    assertThat(AdminRoutes.loopback(SocketAddress.inetSocketAddress(1, "127.0.0.2"))).isTrue();
    assertThat(AdminRoutes.loopback(SocketAddress.inetSocketAddress(1, "::1"))).isTrue();
    assertThat(AdminRoutes.loopback(SocketAddress.inetSocketAddress(1, "10.0.0.1"))).isFalse();
    assertThat(AdminRoutes.loopback(SocketAddress.inetSocketAddress(1, "::ffff:10.0.0.1"))).isFalse();
    assertThat(AdminRoutes.loopback(null)).isFalse();
  }

  /** One client: posts the seed request in a loop until it has had {@code afterSwap} answers after the swap. */
  private record Client(Queue<Integer> statuses, AtomicInteger spanned, AtomicBoolean swapped, Runnable onAnswer,
      int afterSwap, int cap) {}

  /** The number of answers the client had after the swap. */
  private Future<Integer> client(Client client) {
    return loop(client, 0, 0);
  }

  private Future<Integer> loop(Client client, int sent, int afterSwap) {
    boolean sentBefore = !client.swapped().get();
    return post("/graphs/" + SEED, SEED_REQUEST).compose(response -> {
      client.statuses().add(response.statusCode());
      boolean answeredAfter = client.swapped().get();
      if (sentBefore && answeredAfter) {
        client.spanned().incrementAndGet();
      }
      client.onAnswer().run();
      int after = afterSwap + (answeredAfter ? 1 : 0);
      return after >= client.afterSwap() || sent + 1 >= client.cap() ? Future.succeededFuture(after)
          : loop(client, sent + 1, after);
    });
  }

  private void unchanged() throws Exception {
    assertThat(graphNames()).containsExactly(SEED);
    assertThat(await(post("/story", new JsonObject().put("topic", "Rain"))).statusCode()).isEqualTo(404);
    assertThat(await(post("/" + SEED, SEED_REQUEST)).statusCode()).isEqualTo(200);
    Throwable none = await(vertx.eventBus().request(Addresses.health("gpt2-copy"), new JsonObject())
        .map(reply -> (Throwable) null).otherwise(error -> error));
    assertThat(none).as("the new model was not left loaded").isInstanceOf(ReplyException.class);
  }

  private static void assertProblem(HttpResponse<Buffer> refused, String pointer) {
    assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(422);
    JsonArray problems = refused.bodyAsJsonObject().getJsonArray("problems");
    assertThat(problems.stream().map(JsonObject.class::cast).map(p -> p.getString("pointer")))
        .as(problems.encode()).contains(pointer);
  }

  private static JsonObject changes(String added, String removed, String changed) {
    return new JsonObject().put("added", new JsonArray(added)).put("removed", new JsonArray(removed))
        .put("changed", new JsonArray(changed));
  }

  private List<String> graphNames() throws Exception {
    return await(web.get(port, "localhost", "/graphs").send()).bodyAsJsonObject().getJsonArray("graphs").stream()
        .map(graph -> ((JsonObject) graph).getString("name")).toList();
  }

  /** Asks GET /graphs again, as soon as each answer comes, until the names satisfy {@code until}. */
  private Future<Void> graphsUntil(Predicate<List<String>> until) {
    return web.get(port, "localhost", "/graphs").send().compose(response -> {
      List<String> names = response.bodyAsJsonObject().getJsonArray("graphs").stream()
          .map(graph -> ((JsonObject) graph).getString("name")).toList();
      return until.test(names) ? Future.succeededFuture() : graphsUntil(until);
    });
  }

  private Future<HttpResponse<Buffer>> reload() {
    return web.post(port, "127.0.0.1", AdminRoutes.RELOAD).send();
  }

  private Future<HttpResponse<Buffer>> post(String path, JsonObject body) {
    return web.post(port, "localhost", path).putHeader("Content-Type", "application/json").sendJsonObject(body);
  }

  private void write(JsonObject json) throws IOException {
    Files.writeString(file, json.encodePrettily());
  }

  private static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
    return NetworkInterface.networkInterfaces().filter(nic -> {
      try {
        return nic.isUp() && !nic.isLoopback();
      } catch (SocketException e) {
        return false;
      }
    }).flatMap(NetworkInterface::inetAddresses).filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
        .findFirst();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }
}
