package io.inferencegraph.cli;

import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the jar's Implementation-Version ("dev" when run from classes). */
final class Version implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = Version.class.getPackage().getImplementationVersion();
    return new String[] {"inference-graph " + (version != null ? version : "dev")};
  }
}
