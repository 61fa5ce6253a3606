package io.inferencegraph.cli;

import io.inferencegraph.Server;
import io.inferencegraph.config.ConfigException;
import io.inferencegraph.config.GraphConfig;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The default command: run this node's part of the graphs. */
@Command(name = "inference-graph", mixinStandardHelpOptions = true, versionProvider = Version.class,
    subcommands = {ModelsCommand.class, GraphsCommand.class, ClusterCommand.class}, sortOptions = false,
    description = {"Serves the graphs the configuration declares, each at its route and at /graphs/NAME.",
        "A configuration in the older form (top-level generators and classifier) means the seed's graph,",
        "classify_generated_texts."},
    footer = {"", "Any config key can also be set by environment (GRAPH_HTTP__MAX_IN_FLIGHT=32) or system property "
        + "(-Dgraph.http.port=8080); flags win over both."})
public final class ServeCommand implements Callable<Integer> {
  /** The process environment (HF_*, GRAPH_*): passed in, so that tests can run commands in-process. */
  final Map<String, String> env;

  @Mixin
  ConfigFile configFile;

  @Option(names = "--models", paramLabel = "DIR", description = "Directory holding local model directories "
      + "(models_dir; env GRAPH_MODELS_DIR).")
  String modelsDir;

  @Option(names = "--port", paramLabel = "N", description = "HTTP port (http.port; env GRAPH_HTTP__PORT).")
  Integer port;

  @Option(names = "--pull", description = "Download hf:// models missing from the Hugging Face cache before "
      + "starting (otherwise a missing one stops start-up).")
  boolean pull;

  @Option(names = "--cluster", description = "Join the clustered event bus (cluster.enabled).")
  boolean cluster;

  @Option(names = "--role", paramLabel = "ROLES", description = "What this node runs: all (default), or a comma "
      + "list of http, generators, generator:NAME, classifier (roles; env GRAPH_ROLES).")
  String roles;

  @Option(names = "--members", paramLabel = "LIST", description = "Cluster members to join, host[:port],... "
      + "(cluster.members).")
  String members;

  @Option(names = "--cluster-host", paramLabel = "IP", description = "Address to bind and advertise for "
      + "Hazelcast and the event bus (cluster.host).")
  String clusterHost;

  @Option(names = "--public-host", paramLabel = "HOST", description = "Address the other hosts reach this one "
      + "at, behind NAT (cluster.public_host).")
  String publicHost;

  @Option(names = "--cluster-tls", paramLabel = "DIR", description = "Mutual TLS on the event bus with the node "
      + "key, certificate and CA in DIR, as 'cluster certs' writes them (cluster.tls.dir).")
  String clusterTls;

  ServeCommand(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /** The command line with its subcommands and one-line error reporting, over the process environment. */
  public static CommandLine commandLine() {
    return commandLine(System.getenv());
  }

  static CommandLine commandLine(Map<String, String> env) {
    return Errors.install(new CommandLine(new ServeCommand(env)));
  }

  @Override
  public Integer call() {
    ModelStore store = ModelStore.fromEnvironment(env);
    Server.start(store.resolve(configure(), pull, configFile.inUse(env)), () -> reload(store));
    return 0;
  }

  /** The configuration read again as at start: file, env, properties and these flags; hf:// models resolved. */
  GraphConfig reload(ModelStore store) {
    try {
      return store.resolve(configure(), pull, configFile.inUse(env));
    } catch (Errors.CommandFailure e) {
      throw new ConfigException("models", e.getMessage());
    }
  }

  /** The configuration these flags select: file, then env, then system properties, then flags. */
  GraphConfig configure() {
    return configFile.load(flags(), env);
  }

  private JsonObject flags() {
    JsonObject flags = new JsonObject();
    JsonObject clusterFlags = new JsonObject();
    if (modelsDir != null) {
      flags.put("models_dir", modelsDir);
    }
    if (port != null) {
      flags.put("http", new JsonObject().put("port", port));
    }
    if (roles != null) {
      flags.put("roles", roles);
    }
    if (cluster) {
      clusterFlags.put("enabled", true);
    }
    putIfSet(clusterFlags, "members", members);
    putIfSet(clusterFlags, "host", clusterHost);
    putIfSet(clusterFlags, "public_host", publicHost);
    if (clusterTls != null) {
      clusterFlags.put("tls", new JsonObject().put("dir", clusterTls));
    }
    if (!clusterFlags.isEmpty()) {
      flags.put("cluster", clusterFlags);
    }
    return flags;
  }

  private static void putIfSet(JsonObject json, String key, String value) {
    if (value != null) {
      json.put(key, value);
    }
  }
}
