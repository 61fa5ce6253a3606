/**
 * The clustered event bus: Hazelcast set-up from config, the node's membership, fail-fast for departed nodes,
 * no new model work for members that announced a graceful leave, mutual TLS with routing only to members that
 * prove a certificate from the cluster's CA, and that CA's files.
 */
package io.inferencegraph.cluster;
