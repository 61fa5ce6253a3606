/** The service's configuration: records parsed at start-up (and again by a reload) from file, environment and system properties. */
package io.inferencegraph.config;

