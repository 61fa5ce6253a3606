/**
 * Text classification: a sequence-classification export scored in batches of the texts waiting
 * when the model is free, with the labels and the softmax or sigmoid of Hugging Face's pipeline.
 */
package io.inferencegraph.model.classify;

