package io.inferencegraph.cli;

import io.inferencegraph.config.ConfigException;
import io.inferencegraph.config.GraphConfigException;
import picocli.CommandLine;

/** Known failures end a command with one clear line on stderr and a non-zero exit code, not a stack trace. */
final class Errors {
  static final int USAGE = 2;
  static final int FAILED = 1;

  private Errors() {}

  static CommandLine install(CommandLine cli) {
    return cli.setExecutionExceptionHandler((error, commandLine, parseResult) -> {
      if (error instanceof ConfigException || error instanceof GraphConfigException
          || error instanceof IllegalArgumentException) {
        commandLine.getErr().println("error: " + error.getMessage());
        return USAGE;
      }
      if (error instanceof CommandFailure) {
        commandLine.getErr().println("error: " + error.getMessage());
        return FAILED;
      }
      throw error;
    });
  }

  /** A command that cannot do what was asked, with the sentence that says why. */
  static final class CommandFailure extends RuntimeException {
    CommandFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
