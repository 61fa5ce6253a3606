package io.inferencegraph.cli;

import picocli.CommandLine.Command;

/** {@code cluster certs}: what a secure cluster needs before its nodes start. */
@Command(name = "cluster", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "Prepare a secure cluster: a certificate authority and one certificate per node.",
    subcommands = CertsCommand.class)
final class ClusterCommand {}
