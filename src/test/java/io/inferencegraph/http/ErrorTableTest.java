package io.inferencegraph.http;

import io.inferencegraph.api.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("docs/api.md's error table lists every error_type the service can return, with its status")
class ErrorTableTest {
  private static final Pattern ROW = Pattern.compile("^\\| (\\d{3}) \\| `([a-z_]+)` \\|", Pattern.MULTILINE);
  /** An error_type written out in the sources rather than taken from ErrorCode. */
  private static final Pattern LITERAL = Pattern.compile("\"error_type\"\\s*[,:]\\s*(?:\\{\\s*\"const\"\\s*:\\s*)?\"([a-z_]+)\"");

  @Test
  @DisplayName("every ErrorCode's error_type is a row with ErrorMapper's status, and every row is a real error_type")
  void everyCode() throws IOException {
    Map<String, Integer> rows = rows();
    Set<String> types = new TreeSet<>();
    for (ErrorCode code : ErrorCode.values()) {
      types.add(code.type());
      assertThat(rows).as("docs/api.md's error table").containsEntry(code.type(), ErrorMapper.status(code));
    }
    types.addAll(literals());
    assertThat(types).containsAll(rows.keySet());
  }

  @Test
  @DisplayName("an error_type spelled out anywhere in src/main is in the table too")
  void everyLiteral() throws IOException {
    assertThat(literals()).isNotEmpty();
    assertThat(rows().keySet()).containsAll(literals());
  }

  private static Map<String, Integer> rows() throws IOException {
    String doc = Files.readString(Path.of("docs/api.md"));
    String errors = doc.substring(doc.indexOf("\n## Errors"));
    errors = errors.substring(0, errors.indexOf("\n## ", 1));
    Map<String, Integer> rows = new LinkedHashMap<>();
    Matcher row = ROW.matcher(errors);
    while (row.find()) {
      rows.put(row.group(2), Integer.parseInt(row.group(1)));
    }
    return rows;
  }

  private static Set<String> literals() throws IOException {
    Set<String> found = new TreeSet<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main"))) {
      for (Path file : files.filter(Files::isRegularFile).filter(f -> f.toString().matches(".*\\.(java|json|js)$")).toList()) {
        Matcher literal = LITERAL.matcher(Files.readString(file));
        while (literal.find()) {
          found.add(literal.group(1));
        }
      }
    }
    return found;
  }
}
