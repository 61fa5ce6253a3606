package io.inferencegraph.cluster;

import io.inferencegraph.config.ClusterTls;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * A cluster's certificate authority and one certificate per node, as PEM files. The JDK's keytool
 * makes every key (EC P-256) and signs every certificate (SHA256withECDSA); this class only moves
 * keys and certificates between its PKCS#12 files and PEM. Layout: {@code OUT/ca.pem},
 * {@code OUT/ca-key.pem} (keep it off the nodes), and per node {@code OUT/NODE/node.pem},
 * {@code node-key.pem} and {@code ca.pem}: the directory that node is started with.
 */
public final class ClusterCertificates {
  public static final String CA_CERT = ClusterTls.CA_CERT;
  public static final String CA_KEY = "ca-key.pem";
  private static final int CA_DAYS = 3650;

  private ClusterCertificates() {}

  /**
   * Writes a directory under {@code out} for each of {@code nodes}, signed by the CA in {@code out}
   * (made first when {@code out} has none, reused otherwise, so nodes can be added later). A node's
   * name, a host name or an IP address, goes into its certificate's subject alternative names.
   * Returns the node directories.
   */
  public static List<Path> create(Path out, List<String> nodes, int days) {
    for (String node : nodes) {
      if (!node.matches("[A-Za-z0-9][A-Za-z0-9.:-]*")) {
        throw new IllegalArgumentException("node name '" + node + "': use a host name or an IP address");
      }
    }
    Path work = null;
    try {
      Files.createDirectories(out);
      work = Files.createTempDirectory(out, ".keytool-");
      // The temporary keystores' password; keytool reads it from its environment, never its arguments.
      Keytool keytool = new Keytool(HexFormat.of().formatHex(new SecureRandom().generateSeed(16)));
      Path caStore = work.resolve("ca.p12");
      if (Files.exists(out.resolve(CA_KEY))) {
        importCa(out, caStore, keytool.password());
      } else {
        keytool.run("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg",
            "SHA256withECDSA", "-dname", "CN=inference-graph cluster CA", "-validity", String.valueOf(CA_DAYS),
            "-ext", "bc:c=ca:true,pathlen:0", "-ext", "ku:c=keyCertSign,cRLSign", "-keystore", caStore.toString());
        exportCa(caStore, out, keytool.password());
      }
      List<Path> written = new ArrayList<>();
      for (String node : nodes) {
        written.add(issue(keytool, caStore, work, out, node, days));
      }
      return written;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot read the keys keytool made: " + e.getMessage(), e);
    } finally {
      delete(work);
    }
  }

  private static Path issue(Keytool keytool, Path caStore, Path work, Path out, String node, int days)
      throws IOException, GeneralSecurityException {
    Path dir = Files.createDirectories(out.resolve(node.replace(':', '_')));
    Path store = work.resolve(node.replace(':', '_') + ".p12");
    Path request = work.resolve(node.replace(':', '_') + ".csr");
    boolean ip = node.matches("[0-9.]+") || node.contains(":");
    keytool.run("-genkeypair", "-alias", "node", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
        "CN=" + node + ", OU=inference-graph cluster node", "-keystore", store.toString());
    keytool.run("-certreq", "-alias", "node", "-keystore", store.toString(), "-file", request.toString());
    // Every node is a TLS server (its event-bus port) and a client (to the other nodes).
    keytool.run("-gencert", "-alias", "ca", "-keystore", caStore.toString(), "-infile", request.toString(),
        "-outfile", dir.resolve(ClusterTls.NODE_CERT).toString(), "-rfc", "-validity", String.valueOf(days),
        "-sigalg", "SHA256withECDSA", "-ext", "bc:c=ca:false", "-ext", "ku:c=digitalSignature",
        "-ext", "eku=serverAuth,clientAuth", "-ext", "san=" + (ip ? "ip:" : "dns:") + node);
    writeKey(dir.resolve(ClusterTls.NODE_KEY), (PrivateKey) load(store, keytool.password()).getKey("node",
        keytool.password().toCharArray()));
    Files.copy(out.resolve(CA_CERT), dir.resolve(ClusterTls.CA_CERT), StandardCopyOption.REPLACE_EXISTING);
    return dir;
  }

  private static void exportCa(Path caStore, Path out, String password) throws IOException, GeneralSecurityException {
    KeyStore store = load(caStore, password);
    writeKey(out.resolve(CA_KEY), (PrivateKey) store.getKey("ca", password.toCharArray()));
    Files.writeString(out.resolve(CA_CERT), pem("CERTIFICATE", store.getCertificate("ca").getEncoded()));
  }

  /** The CA of an earlier run, from its PEM files back into a keystore that keytool can sign with. */
  private static void importCa(Path out, Path caStore, String password) throws IOException, GeneralSecurityException {
    Certificate certificate;
    try (InputStream in = Files.newInputStream(out.resolve(CA_CERT))) {
      certificate = CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    String body = Files.readString(out.resolve(CA_KEY)).replaceAll("-----[A-Z ]+-----|\\s", "");
    Key key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("ca", key, password.toCharArray(), new Certificate[] {certificate});
    try (var stream = Files.newOutputStream(caStore)) {
      store.store(stream, password.toCharArray());
    }
  }

  private static KeyStore load(Path file, String password) throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, password.toCharArray());
    }
    return store;
  }

  /** PKCS#8 ("PRIVATE KEY"), which Vert.x, OpenSSL and the JDK all read; readable by its owner only. */
  private static void writeKey(Path file, PrivateKey key) throws IOException {
    Files.deleteIfExists(file);
    if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    Files.writeString(file, pem("PRIVATE KEY", key.getEncoded()));
  }

  private static String pem(String type, byte[] der) {
    String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + base64 + "\n-----END " + type + "-----\n";
  }

  private static void delete(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + dir, e);
    }
  }
}
