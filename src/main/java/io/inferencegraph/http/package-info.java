/** The HTTP edge: routes, request validation, the in-flight limit and the one error mapper. */
package io.inferencegraph.http;
