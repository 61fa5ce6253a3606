package io.inferencegraph.config;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;

/**
 * Mutual TLS on the event bus: this node's key and certificate (PEM files, or a PKCS#12 / JKS
 * keystore) and what it trusts: the CA that signs the cluster's nodes (a PEM file, or a truststore).
 * {@code cluster.tls.dir} names a directory made by {@code cluster certs} instead. Passwords are never
 * printed.
 */
public record ClusterTls(Path cert, Path key, Path ca, Path keystore, String keystorePassword, Path truststore,
    String truststorePassword) {
  public static final String NODE_CERT = "node.pem";
  public static final String NODE_KEY = "node-key.pem";
  public static final String CA_CERT = "ca.pem";

  /** The node's key and certificate, and the CA, from a directory that {@code cluster certs} wrote. */
  public static ClusterTls pem(Path dir) {
    return new ClusterTls(dir.resolve(NODE_CERT), dir.resolve(NODE_KEY), dir.resolve(CA_CERT), null, null, null, null);
  }

  /** The {@code cluster.tls} object; null (no TLS) when it is absent or empty. */
  static ClusterTls parse(JsonObject json) {
    if (json == null || json.isEmpty()) {
      return null;
    }
    String dir = text(json, "dir");
    ClusterTls tls = dir != null ? pem(Path.of(dir))
        : new ClusterTls(path(json, "cert"), path(json, "key"), path(json, "ca"), path(json, "keystore"),
            text(json, "keystore_password"), path(json, "truststore"), text(json, "truststore_password"));
    String at = dir != null ? "cluster.tls.dir" : "cluster.tls";
    if ((tls.keystore == null) == (tls.cert == null || tls.key == null)) {
      throw new ConfigException(at, "give this node's identity once: cert and key (PEM), or keystore");
    }
    if ((tls.truststore == null) == (tls.ca == null)) {
      throw new ConfigException(at, "give the cluster's CA once: ca (PEM) or truststore");
    }
    for (Path file : new Path[] {tls.cert, tls.key, tls.ca, tls.keystore, tls.truststore}) {
      if (file != null && !Files.isReadable(file)) {
        throw new ConfigException(at, "cannot read " + file);
      }
    }
    tls.check(at);
    return tls;
  }

  /** Opens each file as what it should be, so that a wrong file or password stops start-up here, by name. */
  private void check(String at) {
    for (Path file : new Path[] {cert, ca}) {
      try (InputStream in = file == null ? null : Files.newInputStream(file)) {
        if (in != null && CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
          throw new ConfigException(at, file + " holds no PEM certificate");
        }
      } catch (IOException | GeneralSecurityException e) {
        throw new ConfigException(at, file + " is not a PEM certificate: " + e.getMessage());
      }
    }
    try {
      if (key != null && !Files.readString(key).contains("PRIVATE KEY-----")) {
        throw new ConfigException(at, key + " is not a PEM private key");
      }
    } catch (IOException e) {
      throw new ConfigException(at, "cannot read " + key + ": " + e.getMessage());
    }
    open(at, keystore, keystorePassword);
    open(at, truststore, truststorePassword);
  }

  /** A keystore's type: JKS by its extension, else PKCS12. */
  public static String storeType(Path store) {
    return store.getFileName().toString().toLowerCase().endsWith(".jks") ? "JKS" : "PKCS12";
  }

  private static void open(String at, Path store, String password) {
    if (store != null) {
      try (InputStream in = Files.newInputStream(store)) {
        KeyStore.getInstance(storeType(store)).load(in, password == null ? null : password.toCharArray());
      } catch (IOException | GeneralSecurityException e) {
        throw new ConfigException(at, "cannot open " + store + ": " + e.getMessage());
      }
    }
  }

  @Override
  public String toString() {
    return "ClusterTls[" + (keystore != null ? "keystore " + keystore : "cert " + cert + ", key " + key) + "; trusts "
        + (truststore != null ? "truststore " + truststore : "ca " + ca) + "]";
  }

  private static Path path(JsonObject json, String field) {
    String value = text(json, field);
    return value == null ? null : Path.of(value);
  }

  private static String text(JsonObject json, String field) {
    Object value = json.getValue(field);
    return value == null || String.valueOf(value).isBlank() ? null : String.valueOf(value).trim();
  }
}
