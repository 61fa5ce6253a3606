package io.inferencegraph.config;

import io.inferencegraph.api.JsonValues;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The JSON document a configuration starts from: a file, or the jar's default. It must be one JSON object; a
 * syntax error is told by line and column in a few words, as request bodies' are ({@link JsonValues}).
 */
final class ConfigDocument {
  private ConfigDocument() {}

  /** {@code file} as the user named it; "config file: FILE is not valid JSON (line L, column C): REASON" if broken. */
  static JsonObject read(Path file) {
    try {
      return parse(file.toString(), Files.readString(file));
    } catch (IOException e) {
      throw new ConfigException("file", "cannot read " + file + ": " + e.getMessage());
    }
  }

  /** conf/config.json if there, else the copy inside the jar. */
  static JsonObject readDefault() {
    Path file = Path.of(ConfigLoader.DEFAULT_FILE);
    if (Files.isRegularFile(file)) {
      return read(file);
    }
    try (InputStream in = ConfigDocument.class.getResourceAsStream("/" + ConfigLoader.DEFAULT_FILE)) {
      if (in == null) {
        throw new ConfigException("file", ConfigLoader.DEFAULT_FILE + " is missing and the jar has no default");
      }
      return parse("the built-in " + ConfigLoader.DEFAULT_FILE, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ConfigException("file", "cannot read the built-in " + ConfigLoader.DEFAULT_FILE + ": " + e.getMessage());
    }
  }

  private static JsonObject parse(String name, String text) {
    Object value;
    try {
      value = JsonValues.decode(text);
    } catch (JsonValues.SyntaxError e) {
      throw new ConfigException("file", name + " " + e.getMessage());
    }
    if (!(value instanceof JsonObject object)) {
      throw new ConfigException("file", name + " must be a JSON object {...}, got " + JsonValues.describe(value));
    }
    return object;
  }
}
