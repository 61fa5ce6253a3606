package io.inferencegraph.cluster;

import io.inferencegraph.bus.Addresses;
import io.inferencegraph.cli.ServeCommand;
import io.inferencegraph.cluster.ClusterNodes.Node;
import io.inferencegraph.config.GraphConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
@DisplayName("With mutual TLS on the event bus the cluster serves the graph, and a node without its CA's certificate gets nothing in or out")
class ClusterTlsTest {
  private static final String PROMPT = new JsonObject().put("text", "I have an idea!")
      .put("parameters", new JsonObject().put("max_new_tokens", 4)).encode();
  private static final ClusterNodes NODES = new ClusterNodes();
  @TempDir
  static Path certs;
  private static Node models;
  private static Node edge;

  @BeforeAll
  static void start() throws Exception {
    // Another CA's node certificate, made meanwhile: keytool takes seconds a run.
    CompletableFuture<List<Path>> other = CompletableFuture.supplyAsync(() ->
        ClusterCertificates.create(certs.resolve("other"), List.of("intruder"), 1));
    // As an operator would: the CA and the models node, then the edge added later under the same CA.
    String out = certs.resolve("cluster").toString();
    assertThat(ServeCommand.commandLine().execute("cluster", "certs", "--out", out, "--nodes", "models")).isZero();
    assertThat(ServeCommand.commandLine().execute("cluster", "certs", "--out", out, "--nodes", "edge", "--days", "2"))
        .isZero();
    other.get(5, TimeUnit.MINUTES);
    models = await(NODES.start(NODES.config("generators,classifier", tls("cluster/models"))));
    // The edge reads the same kind of files as PKCS#12 keystores: both forms of cluster.tls in one cluster.
    edge = await(NODES.start(NODES.config("http", keystores(certs.resolve("cluster/edge")))));
  }

  @AfterAll
  static void stop() throws Exception {
    await(Future.join(edge.stop(), models.stop()));
  }

  private static JsonObject tls(String dir) {
    return new JsonObject().put("cluster", new JsonObject().put("tls", new JsonObject()
        .put("dir", certs.resolve(dir).toString())));
  }

  /** cluster.tls as a keystore (the node's key and certificate) and a truststore (the CA), made from a node directory. */
  private static JsonObject keystores(Path dir) throws Exception {
    CertificateFactory x509 = CertificateFactory.getInstance("X.509");
    Certificate node;
    Certificate ca;
    try (InputStream nodeIn = Files.newInputStream(dir.resolve("node.pem"));
         InputStream caIn = Files.newInputStream(dir.resolve("ca.pem"))) {
      node = x509.generateCertificate(nodeIn);
      ca = x509.generateCertificate(caIn);
    }
    String body = Files.readString(dir.resolve("node-key.pem")).replaceAll("-----[A-Z ]+-----|\\s", "");
    PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
    char[] password = "edge-keystore-password".toCharArray();
    KeyStore identity = KeyStore.getInstance("PKCS12");
    identity.load(null, null);
    identity.setKeyEntry("node", key, password, new Certificate[] {node});
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca);
    for (var store : List.of(Map.entry("node.p12", identity), Map.entry("trust.p12", trust))) {
      try (OutputStream out = Files.newOutputStream(dir.resolve(store.getKey()))) {
        store.getValue().store(out, password);
      }
    }
    return new JsonObject().put("cluster", new JsonObject().put("tls", new JsonObject()
        .put("keystore", dir.resolve("node.p12").toString()).put("keystore_password", new String(password))
        .put("truststore", dir.resolve("trust.p12").toString()).put("truststore_password", new String(password))));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }

  private static HttpResponse<Buffer> post(WebClient client) throws Exception {
    return await(client.post(edge.httpPort(), "127.0.0.1", "/classify_generated_texts")
        .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(PROMPT)));
  }

  @Test
  @DisplayName("the edge serves the graph from the models node over mutual TLS; /readyz says tls and refuses no one")
  void servesTheGraph(Vertx vertx) throws Exception {
    WebClient client = WebClient.create(vertx);
    HttpResponse<Buffer> answer = post(client);
    assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(200);
    assertThat(answer.bodyAsJsonArray()).hasSize(3);
    JsonObject cluster = await(client.get(edge.httpPort(), "127.0.0.1", "/readyz").send()).bodyAsJsonObject()
        .getJsonObject("cluster");
    assertThat(cluster.getBoolean("tls")).isTrue();
    assertThat(cluster.getJsonArray("refused")).doesNotContain(models.cluster().status().getString("node_id"));
  }

  @Test
  @DisplayName("a member with a certificate from another CA gets no request, its own requests are refused, and it is logged as refused")
  void otherCa(Vertx vertx) throws Exception {
    shutOut(vertx, certs.resolve("other/intruder"));
  }

  @Test
  @DisplayName("a member with no certificate (a plain TCP event bus) gets no request and its own requests are refused")
  void noCertificate(Vertx vertx) throws Exception {
    shutOut(vertx, null);
  }

  /**
   * A Hazelcast member that knows the cluster name (so it joins), consumes the model addresses and
   * answers pings, as an attacker would, and trusts any certificate: it still gets nothing.
   */
  private static void shutOut(Vertx vertx, Path tlsDir) throws Exception {
    GraphConfig config = NODES.config("http", tlsDir == null ? new JsonObject()
        : new JsonObject().put("cluster", new JsonObject().put("tls", new JsonObject().put("dir", tlsDir.toString()))));
    VertxOptions options = new VertxOptions();
    HazelcastConfigs.eventBus(options.getEventBusOptions(), config.cluster()).setTrustAll(tlsDir != null);
    HazelcastClusterManager manager = new HazelcastClusterManager(HazelcastConfigs.hazelcast(config.cluster()));
    Vertx intruder = await(Vertx.builder().with(options).withClusterManager(manager).buildClustered());
    try {
      String id = manager.getNodeId();
      AtomicInteger stolen = new AtomicInteger();
      await(Future.join(List.of(
          intruder.eventBus().consumer(Addresses.generator("gpt2"), message -> stolen.incrementAndGet()).completion(),
          intruder.eventBus().consumer(Addresses.classifier("bert-base-uncased"), m -> stolen.incrementAndGet())
              .completion(),
          intruder.eventBus().consumer(CertifiedMembers.address(id), ping -> ping.reply(id)).completion())));
      assertThat(models.cluster().status().getInteger("members")).isEqualTo(3);
      await(refused(vertx, id));

      List<Integer> statuses = new ArrayList<>();
      WebClient client = WebClient.create(vertx);
      for (int i = 0; i < 4; i++) {
        statuses.add(post(client).statusCode());
      }
      assertThat(statuses).containsOnly(200);
      assertThat(stolen).as("requests the intruder received").hasValue(0);

      AtomicInteger reached = new AtomicInteger();
      models.vertx().eventBus().addInboundInterceptor(delivery -> {
        if (delivery.message().address().equals(Addresses.health("gpt2"))) {
          reached.incrementAndGet();
        }
        delivery.next();
      });
      Future<?> asked = intruder.eventBus().request(Addresses.health("gpt2"), "",
          new DeliveryOptions().setSendTimeout(3000));
      assertThat(asked.transform(done -> Future.succeededFuture(done.failed())).toCompletionStage()
          .toCompletableFuture().get(10, TimeUnit.SECONDS)).as("the intruder's request failed").isTrue();
      assertThat(reached).as("the intruder's requests that reached the models node").hasValue(0);
    } finally {
      await(intruder.close());
    }
  }

  /** Completes once both nodes list {@code node} as refused. */
  private static Future<Void> refused(Vertx vertx, String node) {
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    long poll = vertx.setPeriodic(200, id -> {
      if (edge.cluster().status().getJsonArray("refused").contains(node)
          && models.cluster().status().getJsonArray("refused").contains(node)) {
        done.tryComplete();
      }
    });
    vertx.setTimer(60_000, id -> done.tryFail("node " + node + " was not refused within 60 s"));
    return done.future().onComplete(result -> vertx.cancelTimer(poll));
  }

  @Test
  @DisplayName("a plain TCP client on the event-bus port gets a TLS handshake, not data; without a client certificate, nothing more")
  void plainClientGetsHandshake() throws Exception {
    int port = models.cluster().manager().getNodeInfo().port();
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5000);
      // What a plain event-bus client would send first: a length-prefixed frame.
      socket.getOutputStream().write(new byte[] {0, 0, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8});
      byte[] answer = readAll(socket.getInputStream());
      assertThat(answer.length == 0 || answer[0] == 0x15).as("nothing, or a TLS alert record").isTrue();
    }
    X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(Files.newInputStream(certs.resolve("cluster/ca.pem")));
    AtomicReference<X509Certificate[]> presented = new AtomicReference<>();
    SSLContext context = SSLContext.getInstance("TLSv1.3");
    context.init(null, new TrustManager[] {new RecordingTrustManager(presented)}, null);
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(5000);
      byte[] answer;
      try {
        socket.startHandshake();
        socket.getOutputStream().write(new byte[] {0, 0, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8});
        answer = readAll(socket.getInputStream());
      } catch (IOException refused) {
        answer = new byte[0];
      }
      assertThat(answer).as("application data without a client certificate").isEmpty();
    }
    assertThat(presented.get()).as("the server's certificate chain").isNotEmpty();
    assertThat(presented.get()[0].getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
  }

  private static byte[] readAll(InputStream in) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[1024];
    try {
      for (int n; (n = in.read(buffer)) > 0; ) {
        out.write(buffer, 0, n);
      }
    } catch (IOException closed) {
      // a reset or a TLS alert ends it
    }
    return out.toByteArray();
  }

  /** Trusts any server, remembering the chain it presented. */
  private record RecordingTrustManager(AtomicReference<X509Certificate[]> chain) implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] certificates, String authType) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certificates, String authType) {
      chain.set(certificates);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
