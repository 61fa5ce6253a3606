/**
 * ONNX models and their tokenizers in the Hugging Face export layout, free of Vert.x, by concern:
 * {@code load} (a model directory and its sessions), {@code decode} (the decode engine),
 * {@code generate} (generation and continuous batching), {@code classify} (classification) and
 * {@code batch} (the queue and thread that feed a model). Imports run downward only:
 * generate and classify use batch and load; decode uses load.
 */
package io.inferencegraph.model;

