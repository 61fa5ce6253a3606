/**
 * The service's vocabulary, shared by every layer from the HTTP edge to the batchers: a
 * generation's parameters (validated once, carried unchanged over the bus) and the errors a request
 * can meet. Plain Java: no Vert.x, no ONNX Runtime.
 */
package io.inferencegraph.api;

