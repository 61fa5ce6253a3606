package io.inferencegraph.config;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;

/**
 * Files that pass cluster.tls's checks at parse time without keytool: a real certificate (the
 * first CA of the JDK's own trust store), a PEM text labelled as a private key, and an empty
 * PKCS#12 keystore with the password {@link #PASSWORD}. Not usable for TLS.
 */
public final class StandInTls {
  public static final String PASSWORD = "0123456789";

  private StandInTls() {}

  /** node.pem, node-key.pem, ca.pem and node.p12 in {@code dir}. */
  public static Path write(Path dir) throws Exception {
    KeyStore jdk = KeyStore.getInstance(KeyStore.getDefaultType());
    try (InputStream in = Files.newInputStream(Path.of(System.getProperty("java.home"), "lib", "security", "cacerts"))) {
      jdk.load(in, null);
    }
    Certificate certificate = jdk.getCertificate(jdk.aliases().nextElement());
    String pem = "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder().encodeToString(certificate.getEncoded())
        + "\n-----END CERTIFICATE-----\n";
    Files.writeString(dir.resolve("node.pem"), pem);
    Files.writeString(dir.resolve("ca.pem"), pem);
    Files.writeString(dir.resolve("node-key.pem"), "-----BEGIN PRIVATE KEY-----\nstand-in\n-----END PRIVATE KEY-----\n");
    KeyStore empty = KeyStore.getInstance("PKCS12");
    empty.load(null, null);
    try (OutputStream out = Files.newOutputStream(dir.resolve("node.p12"))) {
      empty.store(out, PASSWORD.toCharArray());
    }
    return dir;
  }
}
