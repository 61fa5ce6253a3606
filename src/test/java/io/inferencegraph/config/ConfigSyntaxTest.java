package io.inferencegraph.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("A configuration file that is not valid JSON is refused by line, column and a short reason")
class ConfigSyntaxTest {
  @TempDir
  Path dir;

  @ParameterizedTest(name = "[{index}] {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      `{\\n  "http": {"port": x}\\n}`        | (line 2, column 21): expected a value, got 'x' (text needs double quotes; true, false and null are lower case)
      `{\\n  "http" {}\\n}`                  | (line 2, column 10): expected ':' after the field name, got '{'
      `{"http": {"port": 1} "models": {}}`  | (line 1, column 22): expected ',' or '}' after the value, got '"'
      `{"ports": [1 2]}`                    | (line 1, column 14): expected ',' or ']' after the value, got '2'
      `{"http": {},}`                       | (line 1, column 13): expected a field name in double quotes, got '}'
      `{'http': {}}`                        | (line 1, column 2): expected a field name in double quotes, got '''
      `{"http": }`                          | (line 1, column 10): expected a value, got '}'
      `// the seed\\n{"http": {"port": 3000}`  | (line 2, column 24): the text ends before '}' closes the object
      `{"http": {"port": 3000}`             | (line 1, column 24): the text ends before '}' closes the object
      `{"ports": [1,`                       | (line 1, column 14): the text ends before ']' closes the list
      `{"name": "gpt`                       | (line 1, column 14): the text ends inside a string
      `{"http": {"port": 3000]}`            | (line 1, column 23): ']' closes nothing that is open
      `{"name": "a\\qb"}`                   | (line 1, column 13): unknown escape \\q in a string
      `{"port": 01}`                        | (line 1, column 11): a malformed number
      `{"http": True}`                      | (line 1, column 14): expected a value, got 'True' (text needs double quotes; true, false and null are lower case)
      `{"http": {}} {}`                     | (line 1, column 14): more after the end of the value
      `{"http": {}}}`                       | (line 1, column 13): more after the end of the value
      `   `                                 | : the text is empty
      """)
  @DisplayName("each kind of syntax error, worded without the parser's own text")
  void syntaxErrors(String text, String place) throws IOException {
    String where = place.startsWith(":") ? place : " " + place;
    Path file = dir.resolve("config.json");
    Files.writeString(file, text.replace("\\n", "\n"));

    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), new Properties()))
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.key()).isEqualTo("file");
          assertThat(e.problem()).isEqualTo(file + " is not valid JSON" + where);
          assertThat(e.getMessage()).isEqualTo("config file: " + file + " is not valid JSON" + where)
              .doesNotContain("com.fasterxml", "Unexpected character", "(code ", "Source", "REDACTED", "Failed to decode");
        });
  }

  @Test
  @DisplayName("a control character inside a string is named, with the escape that fixes it")
  void controlCharacter() throws IOException {
    Path file = dir.resolve("tab.json");
    Files.writeString(file, "{\"name\": \"a\tb\"}");

    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), new Properties())).hasMessage("config file: " + file
        + " is not valid JSON (line 1, column 12): a line break, tab or other control character inside a string "
        + "must be escaped (\\n, \\t)");
  }

  @Test
  @DisplayName("valid JSON that is not an object is refused, saying what it is")
  void notAnObject() throws IOException {
    Path file = dir.resolve("list.json");
    Files.writeString(file, "[{\"models\": {}}]");

    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), new Properties()))
        .hasMessage("config file: " + file + " must be a JSON object {...}, got a list");
  }

  @Test
  @DisplayName("a file that cannot be read says so")
  void unreadable() {
    Path file = dir.resolve("missing.json");

    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), new Properties()))
        .hasMessageStartingWith("config file: cannot read " + file);
  }
}
