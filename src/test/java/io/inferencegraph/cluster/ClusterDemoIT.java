package io.inferencegraph.cluster;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

/** Runs scripts/cluster-demo.sh against the packaged jar, as a user would on two hosts. */
@DisplayName("scripts/cluster-demo.sh: an edge and a models node as two java -jar processes on loopback")
class ClusterDemoIT {
  private static final long SCRIPT_TIMEOUT_SECONDS = 240;

  @Test
  @DisplayName("answer the seed's curl through the edge, fail typed and fast when the models node is killed, serve again on restart")
  void clusterDemo() throws Exception {
    Path logs = Path.of("target", "cluster-demo-it");
    Files.createDirectories(logs);
    Path output = logs.resolve("script.out");
    ProcessBuilder script = new ProcessBuilder("bash", "scripts/cluster-demo.sh", "--failover")
        .redirectErrorStream(true).redirectOutput(output.toFile());
    Map<String, String> env = script.environment();
    env.put("LOGS", logs.toString());
    for (String port : new String[] {"HTTP_PORT", "EDGE_HZ_PORT", "MODELS_HZ_PORT", "EDGE_EB_PORT", "MODELS_EB_PORT"}) {
      env.put(port, String.valueOf(freePort()));
    }
    Process process = script.start();
    boolean finished = process.waitFor(SCRIPT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    if (!finished) {
      // The script's own trap stops the java processes it started when bash is terminated.
      process.destroy();
      process.waitFor(30, TimeUnit.SECONDS);
    }
    String printed = Files.readString(output);
    System.out.println(printed);
    assertThat(finished).as("the script finished within %d s:%n%s", SCRIPT_TIMEOUT_SECONDS, printed).isTrue();
    assertThat(process.exitValue()).as(printed).isZero();
    assertThat(printed).contains("answer through the edge", "answer through the same edge", "OK");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
