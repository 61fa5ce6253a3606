/** The HTTP edge: routes, validation, the in-flight limit, the one error mapper; the page, /metrics and /traces. */
package io.inferencegraph.http;

