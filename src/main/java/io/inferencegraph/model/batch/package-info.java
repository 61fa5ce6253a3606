/**
 * Scheduling a model's requests: a bounded queue and the one thread that hands them to a model's
 * {@link io.inferencegraph.model.batch.BatchWork}, refusing at once when full and draining on
 * shutdown; the limits, the observer that metrics and tests watch through, and the typed refusals.
 */
package io.inferencegraph.model.batch;

