package io.inferencegraph.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A Markdown table, padded so that it also reads well in a terminal; numbers align right. */
final class Table {
  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  Table(String... header) {
    this.header = List.of(header);
  }

  void add(Object... cells) {
    if (cells.length != header.size()) {
      throw new IllegalArgumentException("expected " + header.size() + " cells, got " + Arrays.toString(cells));
    }
    rows.add(Arrays.stream(cells).map(String::valueOf).toList());
  }

  String render() {
    int[] widths = new int[header.size()];
    boolean[] numeric = new boolean[header.size()];
    for (int c = 0; c < widths.length; c++) {
      widths[c] = Math.max(3, header.get(c).length());
      numeric[c] = !rows.isEmpty();
      for (List<String> row : rows) {
        widths[c] = Math.max(widths[c], row.get(c).length());
        numeric[c] &= isNumber(row.get(c));
      }
    }
    StringBuilder out = new StringBuilder();
    line(out, header, widths, numeric);
    List<String> rules = new ArrayList<>();
    for (int c = 0; c < widths.length; c++) {
      rules.add("-".repeat(widths[c] - 1) + (numeric[c] ? ":" : "-"));
    }
    out.append("| ").append(String.join(" | ", rules)).append(" |\n");
    rows.forEach(row -> line(out, row, widths, numeric));
    return out.toString();
  }

  /** Figures, possibly followed by a note ("2.1× faster"), or a dash for "not applicable". */
  private static boolean isNumber(String cell) {
    return cell.equals("—") || (!cell.isEmpty() && Character.isDigit(cell.charAt(0)));
  }

  private static void line(StringBuilder out, List<String> cells, int[] widths, boolean[] right) {
    out.append('|');
    for (int c = 0; c < widths.length; c++) {
      String format = right[c] ? "%" + widths[c] + "s" : "%-" + widths[c] + "s";
      out.append(' ').append(String.format(format, cells.get(c))).append(" |");
    }
    out.append('\n');
  }
}
