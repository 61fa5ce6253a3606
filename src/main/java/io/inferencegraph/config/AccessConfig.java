package io.inferencegraph.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Who may use the HTTP edge: the API keys of the inference routes (graph, /graphs, /v1), the keys
 * of the admin routes (/metrics, /traces), and whether admin routes answer only on loopback. Keys
 * come from the config, a file (one per line) or the environment, several at once for rotation.
 */
public record AccessConfig(ApiKeys apiKeys, ApiKeys adminKeys, boolean adminLoopbackOnly) {
  /** Anyone may call anything: the default when no key is configured. */
  public static final AccessConfig OPEN = new AccessConfig(ApiKeys.NONE, ApiKeys.NONE, false);
  static final int MIN_KEY_LENGTH = 16;

  static AccessConfig parse(JsonObject http) {
    ApiKeys api = keys(http, "api_keys");
    ApiKeys admin = keys(http, "admin_api_keys");
    Object loopback = http.getValue("admin_loopback_only");
    if (loopback != null && !(loopback instanceof Boolean)) {
      throw new ConfigException("http.admin_loopback_only", "must be true or false, got " + loopback);
    }
    // With the API locked and no admin key, the admin routes stay on this host unless asked otherwise.
    boolean loopbackOnly = loopback != null ? (Boolean) loopback : !api.isEmpty() && admin.isEmpty();
    return new AccessConfig(api, admin, loopbackOnly);
  }

  /** One line for the start-up log: what takes a key and what is open (never the keys themselves). */
  public String describe() {
    String api = apiKeys.isEmpty() ? "the API is OPEN to anyone who reaches this port (no http.api_keys)"
        : "the API takes one of " + apiKeys.size() + " key(s) (Authorization: Bearer)";
    String admin = adminKeys.isEmpty() ? "no key" : "one of " + adminKeys.size() + " admin key(s)";
    return api + "; /metrics and /traces: " + admin + (adminLoopbackOnly ? ", loopback only" : ", any address");
  }

  private static ApiKeys keys(JsonObject http, String field) {
    String key = "http." + field;
    List<String> keys = new ArrayList<>(list(http.getValue(field), key));
    String file = http.getString(field + "_file");
    if (file != null && !file.isBlank()) {
      keys.addAll(fromFile(Path.of(file.trim()), key + "_file"));
    }
    for (int i = 0; i < keys.size(); i++) {
      String value = keys.get(i);
      // Say which key and what is wrong with it, never the key itself.
      if (value.length() < MIN_KEY_LENGTH || value.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
        throw new ConfigException(key, "key " + (i + 1) + " of " + keys.size() + " must be at least "
            + MIN_KEY_LENGTH + " printable characters without spaces (openssl rand -hex 24 makes one)");
      }
    }
    return ApiKeys.of(keys);
  }

  private static List<String> list(Object value, String key) {
    List<String> keys = new ArrayList<>();
    if (value == null) {
      return keys;
    }
    if (value instanceof JsonArray array) {
      array.forEach(item -> keys.add(String.valueOf(item).trim()));
    } else if (value instanceof String text) {
      for (String item : text.split(",")) {
        if (!item.isBlank()) {
          keys.add(item.trim());
        }
      }
    } else {
      throw new ConfigException(key, "must be a comma-separated string or an array of strings");
    }
    return keys;
  }

  /** One key per line; blank lines and lines starting with # are skipped. */
  private static List<String> fromFile(Path file, String key) {
    try {
      return Files.readAllLines(file).stream().map(String::trim)
          .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
    } catch (IOException e) {
      throw new ConfigException(key, "cannot read " + file + ": " + e.getMessage());
    }
  }
}
