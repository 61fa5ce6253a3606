package io.inferencegraph.hub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Hugging Face variables in huggingface_hub's order of precedence (its constants.py and _auth.py): cache
 * HF_HUB_CACHE, HUGGINGFACE_HUB_CACHE, HF_HOME/hub, XDG_CACHE_HOME/huggingface/hub, ~/.cache/huggingface/hub; token
 * HF_TOKEN, HUGGING_FACE_HUB_TOKEN, the file HF_TOKEN_PATH (default HF_HOME/token); offline HF_HUB_OFFLINE, else
 * TRANSFORMERS_OFFLINE. Paths get "~" and then $VAR / ${VAR} expanded. A variable set to "" counts as unset.
 */
final class HfEnvironment {
  private static final Set<String> TRUE = Set.of("1", "ON", "YES", "TRUE");
  private static final Pattern VARIABLE = Pattern.compile("\\$(\\w+|\\{([^}]*)})");

  /** A token and where it was found: a variable's name or the token file's path. */
  record Token(String value, String source) {}

  private final Map<String, String> env;

  HfEnvironment(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  Optional<String> value(String name) {
    return Optional.ofNullable(env.get(name)).map(String::strip).filter(v -> !v.isEmpty());
  }

  Path home() {
    return Path.of(expand(value("HF_HOME").orElseGet(() -> value("XDG_CACHE_HOME")
        .orElseGet(() -> userHome() + "/.cache") + "/huggingface")));
  }

  Path hubCache() {
    return value("HF_HUB_CACHE").or(() -> value("HUGGINGFACE_HUB_CACHE")).map(this::expand).map(Path::of)
        .orElseGet(() -> home().resolve("hub"));
  }

  Path tokenFile() {
    return value("HF_TOKEN_PATH").map(this::expand).map(Path::of).orElseGet(() -> home().resolve("token"));
  }

  /** The first variable that is set decides, as Python's {@code a or b} does; then the token file. */
  Optional<Token> token() {
    for (String name : new String[] {"HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"}) {
      String raw = env.get(name);
      if (raw != null && !raw.isEmpty()) {
        Optional<String> token = clean(raw);
        return token.isPresent() ? token.map(t -> new Token(t, name)) : fromFile();
      }
    }
    return fromFile();
  }

  boolean offline() {
    String raw = env.get("HF_HUB_OFFLINE");
    String value = raw != null && !raw.isEmpty() ? raw : env.get("TRANSFORMERS_OFFLINE");
    return value != null && TRUE.contains(value.toUpperCase(Locale.ROOT));
  }

  /** "~" or "~/..." to the home directory, then $NAME and ${NAME} from the environment (unknown ones left as they are). */
  String expand(String path) {
    String home = path.equals("~") || path.startsWith("~/") ? userHome() + path.substring(1) : path;
    Matcher matcher = VARIABLE.matcher(home);
    StringBuilder expanded = new StringBuilder();
    while (matcher.find()) {
      String name = matcher.group(2) != null ? matcher.group(2) : matcher.group(1);
      matcher.appendReplacement(expanded, Matcher.quoteReplacement(env.getOrDefault(name, matcher.group())));
    }
    return matcher.appendTail(expanded).toString();
  }

  private Optional<Token> fromFile() {
    Path file = tokenFile();
    try {
      return clean(Files.readString(file, StandardCharsets.UTF_8)).map(t -> new Token(t, file.toString()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new IllegalArgumentException("the token file " + file + " (HF_TOKEN_PATH) cannot be read: " + e);
    }
  }

  private String userHome() {
    return value("HOME").orElseGet(() -> System.getProperty("user.home"));
  }

  /** Line breaks removed and blanks stripped, as huggingface_hub cleans a token; empty is no token. */
  private static Optional<String> clean(String token) {
    return Optional.of(token.replace("\r", "").replace("\n", "").strip()).filter(t -> !t.isEmpty());
  }
}
