/** Worker verticles: thin adapters that take a model request off the event bus, run the model and reply. */
package io.inferencegraph.worker;
