package io.inferencegraph.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.inferencegraph.config.ClusterConfig;
import io.inferencegraph.config.ClusterTls;
import io.inferencegraph.config.ConfigException;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.JksOptions;
import io.vertx.core.net.KeyStoreOptionsBase;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import java.io.FileNotFoundException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Turns the cluster section of the configuration into a Hazelcast {@link Config} and event-bus
 * options: the Hazelcast file (conf/cluster.xml, else the copy in the jar) with the per-host
 * network settings applied over it.
 */
final class HazelcastConfigs {
  private HazelcastConfigs() {}

  static Config hazelcast(ClusterConfig cluster) {
    Config config = load(cluster.configFile());
    config.setClusterName(cluster.name());
    NetworkConfig network = config.getNetworkConfig().setPort(cluster.port());
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    if (cluster.host() != null) {
      // Hazelcast otherwise picks the first interface it likes, which need not be the one the members can reach.
      config.setProperty("hazelcast.local.localAddress", cluster.host());
    }
    if (cluster.publicHost() != null) {
      network.setPublicAddress(cluster.publicHost());
    }
    return config;
  }

  /**
   * The event bus listens on the configured port; without a host it uses the address Hazelcast picked.
   * With {@code cluster.tls} every connection, in and out, is TLS with a certificate from the cluster's CA.
   */
  static EventBusOptions eventBus(EventBusOptions options, ClusterConfig cluster) {
    if (cluster.tls() != null) {
      mutualTls(options, cluster.tls());
    }
    options.setPort(cluster.eventBusPort());
    if (cluster.host() != null) {
      options.setHost(cluster.host());
    }
    if (cluster.publicHost() != null) {
      options.setClusterPublicHost(cluster.publicHost());
    }
    return options;
  }

  /** Client authentication required: a peer without a certificate from the CA cannot connect, nor be connected to. */
  private static void mutualTls(EventBusOptions options, ClusterTls tls) {
    options.setSsl(true).setClientAuth(ClientAuth.REQUIRED).setTrustAll(false)
        .setKeyCertOptions(tls.keystore() != null ? keyStore(tls.keystore(), tls.keystorePassword())
            : new PemKeyCertOptions().setCertPath(tls.cert().toString()).setKeyPath(tls.key().toString()))
        .setTrustOptions(tls.truststore() != null ? keyStore(tls.truststore(), tls.truststorePassword())
            : new PemTrustOptions().addCertPath(tls.ca().toString()));
  }

  /** These two types, unlike KeyStoreOptions, reach the event bus's client too (it is made from their JSON). */
  private static KeyStoreOptionsBase keyStore(Path file, String password) {
    KeyStoreOptionsBase options = ClusterTls.storeType(file).equals("JKS") ? new JksOptions() : new PfxOptions();
    return options.setPath(file.toString()).setPassword(password);
  }

  private static Config load(String file) {
    Path path = Path.of(file);
    try {
      if (Files.isRegularFile(path)) {
        return Config.loadFromFile(path.toFile());
      }
      if (!file.equals(ClusterConfig.DEFAULT_FILE)) {
        throw new FileNotFoundException(file);
      }
      try (InputStream in = HazelcastConfigs.class.getResourceAsStream("/" + ClusterConfig.DEFAULT_FILE)) {
        if (in == null) {
          throw new FileNotFoundException(file + " (and the jar has no default)");
        }
        return Config.loadFromStream(in);
      }
    } catch (Exception e) {
      throw new ConfigException("cluster.config_file", "cannot load " + file + ": " + e.getMessage());
    }
  }
}
