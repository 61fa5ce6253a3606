/** Event-bus addresses, the JSON messages on them and the failure codes their consumers reply with. */
package io.inferencegraph.bus;
