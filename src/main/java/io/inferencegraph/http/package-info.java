/** The HTTP edge: routes, validation, the in-flight limit, the one error mapper; the page, /metrics, /traces and /admin/reload. */
package io.inferencegraph.http;

