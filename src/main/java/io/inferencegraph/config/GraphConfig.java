package io.inferencegraph.config;

import io.inferencegraph.api.GenerationParams;
import io.inferencegraph.model.load.SessionMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The whole service: the generators fanned out to (in answer order), the classifier, default
 * generation parameters, the HTTP edge and the event-bus timeout (kept below the HTTP timeout);
 * which of it this node runs, the cluster it joins, how ONNX Runtime sessions spend memory and
 * what the process does with malloc.
 */
public record GraphConfig(
    HttpConfig http,
    List<ModelConfig> generators,
    ModelConfig classifier,
    GenerationParams generation,
    long busTimeoutMs,
    Roles roles,
    ClusterConfig cluster,
    SessionMemory sessionMemory,
    MallocConfig malloc) {

  public List<String> generatorNames() {
    return generators.stream().map(ModelConfig::name).toList();
  }

  /** The generators in answer order, then the classifier. */
  public List<ModelConfig> models() {
    List<ModelConfig> models = new ArrayList<>(generators);
    models.add(classifier);
    return models;
  }

  /** The same graph with each model replaced by {@code change} of it (e.g. its source resolved). */
  public GraphConfig withModels(UnaryOperator<ModelConfig> change) {
    return new GraphConfig(http, generators.stream().map(change).toList(), change.apply(classifier), generation,
        busTimeoutMs, roles, cluster, sessionMemory, malloc);
  }
}
