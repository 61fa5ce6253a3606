package io.inferencegraph.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code models pull|list}: the Hugging Face model store. */
@Command(name = "models", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "Fetch models from the Hugging Face Hub into its standard cache, and list the configured ones.",
    subcommands = {PullCommand.class, ListCommand.class})
final class ModelsCommand {
  @ParentCommand
  ServeCommand root;
}
