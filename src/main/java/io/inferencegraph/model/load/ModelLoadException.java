package io.inferencegraph.model.load;

import java.nio.file.Path;

/** A model directory that is missing, incomplete or does not fit the code that loads it. */
public final class ModelLoadException extends RuntimeException {
  public ModelLoadException(Path directory, String problem) {
    super("model directory " + directory + ": " + problem);
  }

  public ModelLoadException(Path directory, String problem, Throwable cause) {
    super("model directory " + directory + ": " + problem, cause);
  }
}
