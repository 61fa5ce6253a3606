/** The command line (picocli): serve the graphs, {@code models pull|list} for the Hugging Face cache, {@code graphs check}. */
package io.inferencegraph.cli;

