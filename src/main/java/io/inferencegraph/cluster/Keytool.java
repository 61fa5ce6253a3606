package io.inferencegraph.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The JDK's keytool, run as a process: the runtime's own ({@code java.home/bin}), else the one on
 * the PATH. Every keystore it touches is PKCS#12 with one password, passed in its environment.
 */
record Keytool(String password) {
  private static final String PASSWORD_VARIABLE = "GRAPH_KEYTOOL_PASSWORD";

  void run(String... arguments) throws IOException {
    // A short-lived JVM: the quick JIT tier and the serial collector halve its run time.
    List<String> command = new ArrayList<>(List.of(executable(), "-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC",
        "-noprompt"));
    command.addAll(List.of(arguments));
    command.addAll(List.of("-storetype", "PKCS12", "-storepass:env", PASSWORD_VARIABLE));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put(PASSWORD_VARIABLE, password);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (process.waitFor() != 0) {
        throw new IOException("keytool " + arguments[0] + " failed: " + output.strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroy();
      throw new IOException("interrupted while keytool ran", e);
    }
  }

  private static String executable() {
    Path own = Path.of(System.getProperty("java.home"), "bin", "keytool");
    return Files.isExecutable(own) ? own.toString() : "keytool";
  }
}
