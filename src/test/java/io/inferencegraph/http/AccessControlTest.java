package io.inferencegraph.http;

import io.inferencegraph.config.AccessConfig;
import io.inferencegraph.config.ApiKeys;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Collections;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import static io.inferencegraph.http.AccessControlTest.Keys.ADMIN;
import static io.inferencegraph.http.AccessControlTest.Keys.FIRST;
import static io.inferencegraph.http.AccessControlTest.Keys.SECOND;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@DisplayName("AccessControl guards routes by path: API keys, admin keys, loopback, and counts what it refuses")
class AccessControlTest {
  /** Keys as a test would write them; none is ever printed. */
  interface Keys {
    String FIRST = "first-key-0123456789abcdef";
    String SECOND = "second-key-0123456789abcdef";
    String ADMIN = "admin-key-0123456789abcdef";
  }

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private HttpServer server;

  @AfterEach
  void close() throws Exception {
    if (server != null) {
      await(server.close());
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** A router with the check mounted first, then stand-ins for each kind of route, as HttpVerticle mounts them. */
  private int serve(Vertx vertx, AccessConfig access) throws Exception {
    Router router = Router.router(vertx);
    new AccessControl(access, registry).mount(router);
    for (String path : new String[] {"/classify_generated_texts", "/graphs/summarize", "/graphs", "/metrics", "/traces",
        "/traces/abc", "/livez", "/readyz"}) {
      router.route(path).handler(ctx -> ctx.end("ok " + path));
    }
    router.get("/v1/models").handler(ctx -> ctx.end("ok")).failureHandler(ErrorMapper::handleOpenAi);
    router.route().failureHandler(ErrorMapper::handle);
    server = await(vertx.createHttpServer().requestHandler(router).listen(0, "0.0.0.0"));
    return server.actualPort();
  }

  private static HttpResponse<Buffer> get(Vertx vertx, String host, int port, String path, String key) throws Exception {
    var request = WebClient.create(vertx).get(port, host, path);
    if (key != null) {
      request.putHeader("Authorization", "Bearer " + key);
    }
    return await(request.send());
  }

  private static AccessConfig config(JsonObject http) {
    return io.inferencegraph.TestGraphs.config(new JsonObject().put("http", http)).http().access();
  }

  @Test
  @DisplayName("with two API keys: no key and a wrong key are 401 with WWW-Authenticate, either key passes, /graphs too")
  void apiKeys(Vertx vertx) throws Exception {
    int port = serve(vertx, config(new JsonObject().put("api_keys", FIRST + "," + SECOND)));
    for (String path : new String[] {"/classify_generated_texts", "/graphs/summarize", "/graphs"}) {
      HttpResponse<Buffer> none = get(vertx, "127.0.0.1", port, path, null);
      assertThat(none.statusCode()).as(path).isEqualTo(401);
      assertThat(none.getHeader("WWW-Authenticate")).isEqualTo("Bearer realm=\"inference-graph\"");
      assertThat(none.bodyAsJsonObject().getString("error_type")).isEqualTo("unauthorized");
      assertThat(get(vertx, "127.0.0.1", port, path, "wrong-key-0123456789abcdef").statusCode()).isEqualTo(401);
      assertThat(get(vertx, "127.0.0.1", port, path, FIRST).bodyAsString()).isEqualTo("ok " + path);
      assertThat(get(vertx, "127.0.0.1", port, path, SECOND).bodyAsString()).isEqualTo("ok " + path);
    }
    assertThat(refused("api", "missing_key")).isEqualTo(3);
    assertThat(refused("api", "wrong_key")).isEqualTo(3);
    // API keys alone: the admin routes are then served on loopback only, and take no key there.
    assertThat(get(vertx, "127.0.0.1", port, "/metrics", null).statusCode()).isEqualTo(200);
    assertThat(get(vertx, "127.0.0.1", port, "/livez", null).statusCode()).isEqualTo(200);
    assertThat(get(vertx, "127.0.0.1", port, "/readyz", null).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("/v1 refuses in OpenAI's error shape")
  void openAiShape(Vertx vertx) throws Exception {
    int port = serve(vertx, config(new JsonObject().put("api_keys", new io.vertx.core.json.JsonArray().add(FIRST))));
    HttpResponse<Buffer> refused = get(vertx, "127.0.0.1", port, "/v1/models", "Bearer-ish");
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.getHeader("WWW-Authenticate")).startsWith("Bearer");
    JsonObject error = refused.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getString("type")).isEqualTo("invalid_request_error");
    assertThat(error.getString("code")).isEqualTo("unauthorized");
    assertThat(get(vertx, "127.0.0.1", port, "/v1/models", FIRST).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("an admin key guards /metrics and /traces; an API key does not open them")
  void adminKey(Vertx vertx) throws Exception {
    int port = serve(vertx, config(new JsonObject().put("api_keys", FIRST).put("admin_api_keys", ADMIN)));
    for (String path : new String[] {"/metrics", "/traces", "/traces/abc"}) {
      assertThat(get(vertx, "127.0.0.1", port, path, null).statusCode()).as(path).isEqualTo(401);
      assertThat(get(vertx, "127.0.0.1", port, path, FIRST).statusCode()).as(path).isEqualTo(401);
      assertThat(get(vertx, "127.0.0.1", port, path, ADMIN).statusCode()).as(path).isEqualTo(200);
    }
    assertThat(get(vertx, "127.0.0.1", port, "/classify_generated_texts", ADMIN).statusCode()).isEqualTo(401);
    assertThat(refused("admin", "missing_key")).isEqualTo(3);
  }

  @Test
  @DisplayName("served on loopback only, an admin route is 403 to a client on another address, key or not")
  void loopbackOnly(Vertx vertx) throws Exception {
    Optional<String> external = externalAddress();
    Assumptions.assumeTrue(external.isPresent(), "this host has no non-loopback IPv4 address");
    int port = serve(vertx, config(new JsonObject().put("admin_api_keys", ADMIN).put("admin_loopback_only", true)));
    HttpResponse<Buffer> remote = get(vertx, external.get(), port, "/metrics", ADMIN);
    assertThat(remote.statusCode()).isEqualTo(403);
    assertThat(remote.bodyAsJsonObject().getString("error_type")).isEqualTo("forbidden");
    assertThat(get(vertx, "127.0.0.1", port, "/metrics", ADMIN).statusCode()).isEqualTo(200);
    assertThat(get(vertx, external.get(), port, "/classify_generated_texts", null).statusCode())
        .as("no API key configured: the API is open").isEqualTo(200);
    assertThat(refused("admin", "not_loopback")).isEqualTo(1);
  }

  @Test
  @DisplayName("without any key configured nothing is checked, from any address")
  void open(Vertx vertx) throws Exception {
    int port = serve(vertx, AccessConfig.OPEN);
    String host = externalAddress().orElse("127.0.0.1");
    for (String path : new String[] {"/classify_generated_texts", "/graphs/summarize", "/v1/models", "/metrics", "/traces"}) {
      assertThat(get(vertx, host, port, path, null).statusCode()).as(path).isEqualTo(200);
    }
    assertThat(AccessConfig.OPEN.describe()).contains("OPEN");
  }

  @Test
  @DisplayName("Bearer tokens: any case of the scheme, trimmed; anything else is no key; keys are matched whole")
  void bearer() {
    assertThat(AccessControl.bearer("Bearer abc")).isEqualTo("abc");
    assertThat(AccessControl.bearer("bearer  abc ")).isEqualTo("abc");
    assertThat(AccessControl.bearer("Basic abc")).isNull();
    assertThat(AccessControl.bearer("Bearer ")).isNull();
    assertThat(AccessControl.bearer(null)).isNull();
    ApiKeys keys = config(new JsonObject().put("api_keys", FIRST + "," + SECOND)).apiKeys();
    assertThat(keys.matches(FIRST)).isTrue();
    assertThat(keys.matches(SECOND)).isTrue();
    assertThat(keys.matches(FIRST.substring(1))).isFalse();
    assertThat(keys.matches(FIRST + "x")).isFalse();
    assertThat(keys.toString()).doesNotContain(FIRST).contains("2");
  }

  private double refused(String scope, String reason) {
    return registry.get("graph.http.refused").tag("scope", scope).tag("reason", reason).counter().count();
  }

  private static Optional<String> externalAddress() throws Exception {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (nic.isUp() && !nic.isLoopback()) {
        for (InetAddress address : Collections.list(nic.getInetAddresses())) {
          if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
            return Optional.of(address.getHostAddress());
          }
        }
      }
    }
    return Optional.empty();
  }
}
