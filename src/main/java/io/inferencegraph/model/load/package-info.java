/**
 * Reading a model directory in the Hugging Face export layout: config.json and
 * generation_config.json, the tokenizer and its tokenizer_config.json, which ONNX file to open, and
 * ONNX Runtime sessions opened with threads and memory set on purpose.
 */
package io.inferencegraph.model.load;

