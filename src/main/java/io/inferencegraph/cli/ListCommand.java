package io.inferencegraph.cli;

import io.inferencegraph.config.GraphConfig;
import io.inferencegraph.config.ModelConfig;
import io.inferencegraph.config.ModelSource;
import io.inferencegraph.hub.Snapshot;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code models list}: each configured model, where it comes from, and whether it is on this machine. */
@Command(name = "list", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "Show each configured model: name, source, revision and commit, local directory, size, and "
        + "whether it is cached (never touches the network).")
final class ListCommand implements Callable<Integer> {
  private static final List<String> HEADER =
      List.of("NAME", "KIND", "SOURCE", "REVISION", "COMMIT", "SIZE", "STATUS", "DIR");

  @ParentCommand
  ModelsCommand models;

  @Mixin
  ConfigFile configFile;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    GraphConfig config = configFile.load(new JsonObject(), models.root.env);
    ModelStore store = ModelStore.fromEnvironment(models.root.env);
    List<List<String>> rows = new ArrayList<>(List.of(HEADER));
    config.models().forEach(model -> rows.add(row(store, model)));
    PrintWriter out = spec.commandLine().getOut();
    print(rows, out);
    out.flush();
    List<ModelConfig> missing = config.models().stream().filter(model -> model.source() instanceof ModelSource.Hub)
        .filter(model -> store.cached(model).isEmpty()).toList();
    if (!missing.isEmpty()) {
      PrintWriter err = spec.commandLine().getErr();
      err.println(store.missing(missing, configFile.inUse(models.root.env)));
      err.flush();
    }
    return 0;
  }

  /** Columns as wide as their widest cell, two spaces apart. */
  private static void print(List<List<String>> rows, PrintWriter out) {
    int[] widths = new int[HEADER.size()];
    rows.forEach(row -> {
      for (int c = 0; c < widths.length; c++) {
        widths[c] = Math.max(widths[c], row.get(c).length());
      }
    });
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < widths.length; c++) {
        line.append(c == widths.length - 1 ? row.get(c) : String.format("%-" + (widths[c] + 2) + "s", row.get(c)));
      }
      out.println(line);
    }
  }

  private static List<String> row(ModelStore store, ModelConfig model) {
    List<String> row = new ArrayList<>(List.of(model.name(), model.kind().name().toLowerCase(),
        model.source().toString()));
    if (model.source() instanceof ModelSource.Hub hub) {
      Optional<Snapshot> snapshot = store.cached(model);
      row.add(hub.ref().revision());
      row.add(snapshot.map(s -> s.commit().substring(0, Math.min(12, s.commit().length()))).orElse("-"));
      row.add(snapshot.map(s -> human(s.bytes())).orElse("-"));
      row.add(snapshot.isPresent() ? "cached" : "missing");
      row.add(snapshot.map(s -> s.dir().toString()).orElse(store.settings().cacheDir().toString()));
    } else {
      Path dir = model.source().dir();
      boolean present = Files.isDirectory(dir);
      row.addAll(List.of("-", "-", present ? human(size(dir)) : "-", present ? "local" : "missing", dir.toString()));
    }
    return row;
  }

  private static long size(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(ListCommand::sizeOf).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KB", "MB", "GB", "TB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format("%.1f %s", value, units[unit]);
  }
}
