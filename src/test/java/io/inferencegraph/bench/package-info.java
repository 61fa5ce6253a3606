/** Benchmarks run by hand through bench/*.sh (main classes, not JUnit tests): model speed and graph load. */
package io.inferencegraph.bench;

