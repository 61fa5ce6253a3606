/** ONNX models and their tokenizers in the Hugging Face export layout; no Vert.x in here. */
package io.inferencegraph.model;
