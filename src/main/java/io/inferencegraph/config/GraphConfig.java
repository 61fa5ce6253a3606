package io.inferencegraph.config;

import io.inferencegraph.api.GenerationParams;
import io.inferencegraph.graph.plan.GraphDef;
import io.inferencegraph.graph.plan.Problems;
import io.inferencegraph.model.load.SessionTuning;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The whole service: its models (in declaration order), the graphs over them (checked, with the
 * warnings they gave), default generation parameters, the HTTP edge and the event-bus timeout (kept
 * below the HTTP timeout); which of it this node runs, the cluster it joins, how ONNX Runtime
 * sessions spend memory, what the process does with malloc, and how it drains on SIGTERM.
 */
public record GraphConfig(
    HttpConfig http,
    List<ModelConfig> models,
    List<GraphDef> graphs,
    List<Problems.Problem> warnings,
    GenerationParams generation,
    long busTimeoutMs,
    Roles roles,
    ClusterConfig cluster,
    SessionTuning sessionTuning,
    MallocConfig malloc,
    ShutdownConfig shutdown) {

  public GraphConfig {
    models = List.copyOf(models);
    graphs = List.copyOf(graphs);
    warnings = List.copyOf(warnings);
  }

  /** The text-generation models, in declaration order. */
  public List<ModelConfig> generators() {
    return models.stream().filter(m -> m.kind() == ModelConfig.Kind.GENERATOR).toList();
  }

  public List<ModelConfig> classifiers() {
    return models.stream().filter(m -> m.kind() == ModelConfig.Kind.CLASSIFIER).toList();
  }

  public List<String> generatorNames() {
    return generators().stream().map(ModelConfig::name).toList();
  }

  /** The same configuration with each model replaced by {@code change} of it (e.g. its source resolved). */
  public GraphConfig withModels(UnaryOperator<ModelConfig> change) {
    return new GraphConfig(http, models.stream().map(change).toList(), graphs, warnings, generation, busTimeoutMs,
        roles, cluster, sessionTuning, malloc, shutdown);
  }
}
