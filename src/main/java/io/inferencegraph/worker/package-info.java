/** Worker verticles: thin adapters that take a request record off the event bus, run the model and reply with a record. */
package io.inferencegraph.worker;
