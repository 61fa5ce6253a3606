package io.inferencegraph.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code models pull|list|plan}: the Hugging Face model store, and how this node sizes its models. */
@Command(name = "models", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "Fetch models from the Hugging Face Hub into its standard cache, list the configured ones, and plan how this node sizes them.",
    subcommands = {PullCommand.class, ListCommand.class, PlanCommand.class})
final class ModelsCommand {
  @ParentCommand
  ServeCommand root;
}
