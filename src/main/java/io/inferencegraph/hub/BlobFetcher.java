package io.inferencegraph.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How a blob's bytes arrive: GET into BLOB.incomplete, resuming with Range after a dropped connection, the sha256 of
 * LFS files verified, then an atomic rename to the blob. The caller holds the blob's lock.
 */
final class BlobFetcher {
  private static final int MAX_REDIRECTS = 5;

  private final Transport transport;
  private final Retry retry;
  private final Credentials credentials;

  BlobFetcher(Transport transport, Retry retry, Credentials credentials) {
    this.transport = transport;
    this.retry = retry;
    this.credentials = credentials;
  }

  void fetch(RepoRef ref, FileMetadata file, Path incomplete, Path blob, ProgressListener progress)
      throws IOException {
    Files.createDirectories(blob.getParent());
    progress.started(file.path(), file.size());
    AtomicLong furthest = new AtomicLong(); // progress is a byte further into the file than any try before got
    retry.run("downloading " + file.path() + " of " + ref, furthest::get,
        () -> appendRest(ref, file, incomplete, furthest, progress));
    file.sha256().ifPresent(expected -> LfsChecksum.verify(incomplete, expected, file.path() + " of " + ref));
    RepoCache.moveReplacing(incomplete, blob);
    progress.finished(file.path());
  }

  /** Appends what .incomplete still lacks; a short body throws IOException so the retry resumes from there. */
  private Void appendRest(RepoRef ref, FileMetadata file, Path incomplete, AtomicLong furthest,
      ProgressListener progress)
      throws IOException, Retry.RetryableStatus {
    long have = Files.exists(incomplete) ? Files.size(incomplete) : -1;
    if (have >= 0 && have == file.size()) {
      return null; // complete: a crash came between the last byte and the rename
    }
    if (have > file.size() && file.size() >= 0) {
      Files.delete(incomplete); // a leftover that cannot be this blob's start
      have = -1;
    }
    try (Transport.Response response = get(ref, file, Math.max(have, 0))) {
      long start = response.status() == 206 ? rangeStart(response) : 0; // a 200 answers the whole file
      if (start != 0 && start != have) {
        Files.deleteIfExists(incomplete);
        throw new IOException("asked to resume at byte " + have + " but the server answered from byte " + start);
      }
      long length = copy(response.body(), incomplete, start, furthest, file.path(), progress);
      checkLength(ref, file, incomplete, start + Math.max(response.contentLength(), 0), length);
    } catch (RangeRefused e) {
      Files.deleteIfExists(incomplete);
      throw e;
    }
    return null;
  }

  /** A short file is a dropped connection (IOException: resume); a long one is the Hub's contradiction. */
  private static void checkLength(RepoRef ref, FileMetadata file, Path incomplete, long announced, long received)
      throws IOException {
    long expected = file.size() >= 0 ? file.size() : announced;
    if (received < expected) {
      throw new IOException("connection closed after " + received + " of " + expected + " bytes");
    }
    if (file.size() >= 0 && received > file.size()) {
      Files.deleteIfExists(incomplete);
      throw new HubException(HubException.Kind.PROTOCOL, file.path() + " of " + ref + " has more bytes ("
          + received + ") than the Hub announced (" + file.size() + ")");
    }
  }

  /** 416: the bytes on disk are no start of this file; the next try starts over. */
  private static final class RangeRefused extends IOException {
    RangeRefused(long offset) {
      super("the server refused to resume at byte " + offset);
    }
  }

  private Transport.Response get(RepoRef ref, FileMetadata file, long offset)
      throws IOException, Retry.RetryableStatus {
    URI uri = file.location();
    for (int redirects = 0; redirects <= MAX_REDIRECTS; redirects++) {
      Map<String, String> headers = new HashMap<>(credentials.headersFor(uri));
      if (offset > 0) {
        headers.put("Range", "bytes=" + offset + "-");
      }
      Transport.Response response = transport.open("GET", uri, headers);
      int status = response.status();
      if (status / 100 == 3 && response.header("Location").isPresent()) {
        response.close();
        uri = uri.resolve(response.header("Location").get());
        continue;
      }
      if (status == 200 || status == 206) {
        return response;
      }
      response.close();
      if (Retry.retryable(status)) {
        throw new Retry.RetryableStatus(status, Retry.retryAfter(response));
      }
      if (status == 416) {
        throw new RangeRefused(offset);
      }
      if ((status == 401 || status == 403) && !credentials.onHub(uri)) {
        // the Hub granted the file when it redirected here: the storage host refused the signed link, not the token
        throw new HubException(HubException.Kind.NETWORK, uri.getHost() + " refused " + file.path() + " of " + ref
            + " (HTTP " + status + "): its signed download link may have expired; pull again");
      }
      throw HubErrors.of(response, ref, file.path(), credentials.sourceFor(uri));
    }
    throw new HubException(HubException.Kind.PROTOCOL, "more than " + MAX_REDIRECTS + " redirects for " + file.path());
  }

  private static long rangeStart(Transport.Response response) {
    String range = response.header("Content-Range").orElse("");
    try {
      return Long.parseLong(range.substring("bytes ".length(), range.indexOf('-')).strip());
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /** Streams the body into the file from {@code start}, reporting progress; returns the file's length after. */
  private static long copy(InputStream body, Path incomplete, long start, AtomicLong furthest, String path,
      ProgressListener progress) throws IOException {
    long written = start;
    StandardOpenOption mode = start > 0 ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING;
    try (InputStream in = body;
        OutputStream out = Files.newOutputStream(incomplete, StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode)) {
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedIOException("the pull was abandoned"); // another file of it failed
        }
        out.write(buffer, 0, n);
        written += n;
        furthest.accumulateAndGet(written, Math::max);
        progress.advanced(path, written);
      }
    } catch (IOException e) {
      throw new IOException("connection broke after " + written + " bytes: " + e.getMessage(), e);
    }
    return written;
  }
}
