/** A Hugging Face Hub client that pulls model snapshots into the Hub's own cache layout; no Vert.x in here. */
package io.inferencegraph.hub;

