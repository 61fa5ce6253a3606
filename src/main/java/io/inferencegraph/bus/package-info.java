/** The event-bus protocol: addresses, the request and reply records with their codecs, failure codes. */
package io.inferencegraph.bus;

