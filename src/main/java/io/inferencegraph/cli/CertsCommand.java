package io.inferencegraph.cli;

import io.inferencegraph.cluster.ClusterCertificates;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cluster certs --out DIR --nodes a,b,c}: the cluster's CA and a key and certificate per node (PEM). */
@Command(name = "certs", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = {"Make a certificate authority for the cluster (DIR/ca.pem, DIR/ca-key.pem) and, for each node, "
        + "DIR/NODE/ with its key, its certificate and the CA's certificate. Start each node with "
        + "--cluster-tls DIR/NODE (cluster.tls.dir).",
        "Run again with the same DIR to add nodes: the CA there is reused. Keep DIR/ca-key.pem off the nodes."})
final class CertsCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--out", paramLabel = "DIR", required = true, description = "Where to write the files.")
  Path out;

  @Option(names = "--nodes", paramLabel = "NAMES", required = true, split = ",",
      description = "The nodes' host names or IP addresses, comma-separated: one directory and certificate each.")
  List<String> nodes;

  @Option(names = "--days", paramLabel = "N", defaultValue = "825",
      description = "How long the node certificates are valid (default ${DEFAULT-VALUE} days; the CA: 10 years).")
  int days;

  @Override
  public Integer call() {
    if (days < 1) {
      throw new IllegalArgumentException("--days must be at least 1");
    }
    List<Path> dirs = ClusterCertificates.create(out, nodes.stream().map(String::trim).toList(), days);
    PrintWriter stdout = spec.commandLine().getOut();
    stdout.println("CA: " + out.resolve(ClusterCertificates.CA_CERT) + " (its key " + out.resolve(ClusterCertificates.CA_KEY)
        + " signs new nodes: keep it off the nodes)");
    for (Path dir : dirs) {
      stdout.println("node " + dir.getFileName() + ": copy " + dir + " to that host, then start it with --cluster-tls "
          + dir);
    }
    stdout.flush();
    return 0;
  }
}
