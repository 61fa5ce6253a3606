package io.inferencegraph.cli;

import io.inferencegraph.config.ConfigException;
import io.inferencegraph.config.GraphConfig;
import io.inferencegraph.config.GraphConfigException;
import io.inferencegraph.graph.plan.Problems;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code graphs check}: the configuration read as serve reads it (file, env, system properties), its
 * graphs checked, every problem printed; no model is loaded.
 */
@Command(name = "check", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = {"Check the configuration's models and graphs as start-up would, without loading a model: print "
        + "each problem as 'error at POINTER: message' or 'warning at POINTER: message', then 'N graph(s) OK' or "
        + "'N error(s)'.", "Exit code 0 when there is no error (warnings allowed), 2 when there is one."})
final class CheckCommand implements Callable<Integer> {
  @ParentCommand
  GraphsCommand graphs;

  @Mixin
  ConfigFile configFile;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    int code = check(out);
    out.flush();
    return code;
  }

  private int check(PrintWriter out) {
    try {
      GraphConfig config = configFile.load(new JsonObject(), graphs.root.env);
      config.warnings().forEach(out::println);
      out.println(config.graphs().size() + " graph(s) OK");
      return 0;
    } catch (GraphConfigException e) {
      e.problems().forEach(out::println);
      out.println(e.problems().stream().filter(Problems.Problem::error).count() + " error(s)");
    } catch (ConfigException e) {
      // A bad key outside the graphs stops the parse before they are checked: it is the one error.
      out.println("error: " + e.getMessage());
      out.println("1 error(s)");
    }
    return Errors.USAGE;
  }
}
