/** The command line (picocli): serve the graph, and {@code models pull|list} for the Hugging Face cache. */
package io.inferencegraph.cli;

