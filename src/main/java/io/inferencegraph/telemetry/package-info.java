/** Telemetry in one place: the OpenTelemetry SDK, the Prometheus registry, recent traces and per-model spans and meters. */
package io.inferencegraph.telemetry;

