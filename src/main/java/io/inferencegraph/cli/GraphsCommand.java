package io.inferencegraph.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code graphs check}: the graphs a configuration declares. */
@Command(name = "graphs", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "Work with the graphs the configuration declares.",
    subcommands = CheckCommand.class)
final class GraphsCommand {
  @ParentCommand
  ServeCommand root;
}
