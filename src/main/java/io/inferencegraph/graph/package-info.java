/** The inference graph: fan out to the generators with Future.all, then classify each text in sequence. */
package io.inferencegraph.graph;

