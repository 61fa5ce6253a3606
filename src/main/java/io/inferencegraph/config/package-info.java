/** The service's configuration: records parsed once at start-up from file, environment and system properties. */
package io.inferencegraph.config;

