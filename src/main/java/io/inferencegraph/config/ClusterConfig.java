package io.inferencegraph.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The clustered event bus: whether this node joins a cluster, the Hazelcast file and the network
 * settings that differ per host (members to join, the address to bind and advertise, the address
 * seen from the other hosts behind NAT, the Hazelcast and event-bus ports to open), and mutual TLS on
 * the event bus ({@code tls}, null when off), and how many times the edge sends a model call again
 * when the node holding it leaves ({@code retries.max}).
 */
public record ClusterConfig(boolean enabled, String name, String configFile, List<String> members, String host,
    String publicHost, int port, int eventBusPort, ClusterTls tls, int retries) {
  public static final int DEFAULT_RETRIES = 2;
  public static final String DEFAULT_FILE = "conf/cluster.xml";

  public ClusterConfig {
    members = List.copyOf(members);
  }

  static ClusterConfig parse(JsonObject json) {
    return new ClusterConfig(
        bool(json.getValue("enabled", false)),
        json.getString("name", "inference-graph"),
        json.getString("config_file", DEFAULT_FILE),
        members(json.getValue("members", "127.0.0.1")),
        blankToNull(json.getValue("host")),
        blankToNull(json.getValue("public_host")),
        ConfigLoader.intIn(json, "cluster.port", "port", 5701, 1, 65535),
        ConfigLoader.intIn(json, "cluster.event_bus_port", "event_bus_port", 5801, 0, 65535),
        ClusterTls.parse(tlsObject(json.getValue("tls"))),
        retries(json.getValue("retries")));
  }

  private static int retries(Object value) {
    if (value == null) {
      return DEFAULT_RETRIES;
    }
    if (!(value instanceof JsonObject retries)) {
      throw new ConfigException("cluster.retries", "must be an object: {\"max\": " + DEFAULT_RETRIES + "}");
    }
    return ConfigLoader.intIn(retries, "cluster.retries.max", "max", DEFAULT_RETRIES, 0, 10);
  }

  private static JsonObject tlsObject(Object value) {
    if (value == null || value instanceof JsonObject) {
      return (JsonObject) value;
    }
    throw new ConfigException("cluster.tls", "must be an object: {\"dir\": ...} or cert, key and ca");
  }

  private static boolean bool(Object value) {
    if (value instanceof Boolean b) {
      return b;
    }
    if ("true".equals(value) || "false".equals(value)) {
      return Boolean.parseBoolean((String) value);
    }
    throw new ConfigException("cluster.enabled", "must be true or false, got " + value);
  }

  private static List<String> members(Object value) {
    List<Object> listed = new ArrayList<>();
    if (value instanceof String text) {
      listed.addAll(List.of(text.split(",")));
    } else if (value instanceof JsonArray array) {
      listed.addAll(array.getList());
    } else {
      throw new ConfigException("cluster.members", "must be a comma-separated string or an array, got " + value);
    }
    // blank entries are skipped in both forms, so that [""] is refused as no host rather than joined
    List<String> members = listed.stream().map(String::valueOf).map(String::trim).filter(m -> !m.isEmpty()).toList();
    if (members.isEmpty()) {
      throw new ConfigException("cluster.members", "must name at least one host (this one will do)");
    }
    return members;
  }

  private static String blankToNull(Object value) {
    return value == null || String.valueOf(value).isBlank() ? null : String.valueOf(value).trim();
  }
}
