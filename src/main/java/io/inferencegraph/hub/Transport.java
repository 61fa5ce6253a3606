package io.inferencegraph.hub;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP exchange at a time, redirects never followed (the caller decides where the token may go), with a connect
 * timeout and a timeout on every read so a stalled server cannot hold a pull forever.
 */
final class Transport {
  private static final String USER_AGENT = "inference-graph-hub/0.1; java/" + Runtime.version().feature();

  private final Duration connectTimeout;
  private final Duration readTimeout;

  Transport(Duration connectTimeout, Duration readTimeout) {
    this.connectTimeout = connectTimeout;
    this.readTimeout = readTimeout;
  }

  Response open(String method, URI uri, Map<String, String> headers) throws IOException {
    HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
    connection.setRequestMethod(method);
    connection.setInstanceFollowRedirects(false);
    connection.setUseCaches(false);
    connection.setConnectTimeout((int) connectTimeout.toMillis());
    connection.setReadTimeout((int) readTimeout.toMillis());
    connection.setRequestProperty("User-Agent", USER_AGENT);
    connection.setRequestProperty("Accept-Encoding", "identity"); // sizes and ranges are about the bytes on disk
    headers.forEach(connection::setRequestProperty);
    return new Response(uri, connection, connection.getResponseCode());
  }

  /** A response whose body, if any, is read once and closed. */
  static final class Response implements AutoCloseable {
    private final URI uri;
    private final HttpURLConnection connection;
    private final int status;

    private Response(URI uri, HttpURLConnection connection, int status) {
      this.uri = uri;
      this.connection = connection;
      this.status = status;
    }

    URI uri() {
      return uri;
    }

    int status() {
      return status;
    }

    Optional<String> header(String name) {
      return Optional.ofNullable(connection.getHeaderField(name)).map(String::strip).filter(v -> !v.isEmpty());
    }

    long contentLength() {
      return connection.getContentLengthLong();
    }

    InputStream body() throws IOException {
      return connection.getInputStream();
    }

    @Override
    public void close() {
      try {
        InputStream stream = status < 400 ? connection.getInputStream() : connection.getErrorStream();
        if (stream != null) {
          stream.close();
        }
      } catch (IOException ignored) {
        // nothing left to read; the connection is simply not reused
      }
    }
  }
}
