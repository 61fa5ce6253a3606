package io.inferencegraph.cli;

import io.inferencegraph.config.GraphConfig;
import io.inferencegraph.config.Machines;
import io.inferencegraph.config.ModelConfig;
import io.inferencegraph.config.ModelSource;
import io.inferencegraph.config.Plan;
import io.inferencegraph.config.Sizing;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code models plan}: how this node would size its models, without loading any of them. */
@Command(name = "plan", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "Print the instances, ONNX Runtime threads and batch limits each model this node serves would "
        + "get, and why, from the model files alone (no session is loaded, nothing is downloaded).")
final class PlanCommand implements Callable<Integer> {
  @ParentCommand
  ModelsCommand models;

  @Mixin
  ConfigFile configFile;

  @Option(names = "--cores", paramLabel = "N", description = "Plan for N cores instead of this machine's.")
  Integer cores;

  @Option(names = "--memory-mb", paramLabel = "MB", description = "Plan for this much free memory instead of "
      + "this machine's.")
  Long memoryMb;

  @Option(names = "--role", paramLabel = "ROLES", description = "Plan for a node with these roles (as serve's).")
  String roles;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    JsonObject flags = roles == null ? new JsonObject() : new JsonObject().put("roles", roles);
    GraphConfig config = configFile.load(flags, models.root.env);
    ModelStore store = ModelStore.fromEnvironment(models.root.env);
    // hf:// models are sized from the cache when they are there; missing ones count as small
    GraphConfig resolved = config.withModels(m -> m.source() instanceof ModelSource.Hub && config.roles().serves(m)
        ? store.cached(m).map(s -> m.withSource(((ModelSource.Hub) m.source()).resolvedTo(s.dir()))).orElse(m) : m);
    Sizing.Machine here = Machines.current();
    Sizing.Machine machine = new Sizing.Machine(cores != null ? cores : here.cores(),
        memoryMb != null ? memoryMb << 20 : here.memoryBytes());
    Plan plan = Plan.of(resolved, machine);
    PrintWriter out = spec.commandLine().getOut();
    out.printf("%d cores, %d MB of memory available%n", machine.cores(), machine.memoryBytes() >> 20);
    out.printf("%-20s %-10s %10s %8s %9s %7s %10s  %s%n", "MODEL", "KIND", "SIZE", "PARAMS", "INSTANCES", "THREADS",
        "BATCH ROWS", "WHY");
    for (Plan.Row row : plan.rows()) {
      ModelConfig model = row.model();
      out.printf("%-20s %-10s %10s %7.1fM %9d %7d %10d  %s%n", model.name(), model.kind().name().toLowerCase(),
          ListCommand.human(row.facts().bytes()), row.facts().parameters() / 1e6, row.choice().instances(),
          row.choice().threads(), model.batching().maxBatchSize(), row.choice().why());
    }
    out.flush();
    return 0;
  }
}
