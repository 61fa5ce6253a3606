/** Worker verticles: thin adapters that take a request record off the bus, run the model, reply with a record. */
package io.inferencegraph.worker;

