/** The clustered event bus: Hazelcast set-up from config, the node's membership, fail-fast for departed nodes. */
package io.inferencegraph.cluster;

