package io.inferencegraph;

import io.inferencegraph.cli.ServeCommand;
import picocli.CommandLine;

/**
 * {@code java -jar inference-graph.jar [serve options] | models pull|list ... | graphs check ...}: only dispatches to
 * the command classes in {@code cli/}.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
    CommandLine cli = ServeCommand.commandLine();
    int code = cli.execute(args);
    // A started server lives on Vert.x's threads; every other outcome ends the process here.
    if (code != 0 || cli.getParseResult().hasSubcommand()) {
      System.exit(code);
    }
  }
}
