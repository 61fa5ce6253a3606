package io.inferencegraph.hub;

import java.net.URI;
import java.util.Optional;

/**
 * What the Hub says about one file at a commit: the etag that names its blob (git sha1 for small files, sha256 for
 * LFS files), its size (-1 if unknown), where its bytes are (the resolve URL or the CDN URL it redirects to), and
 * the sha256 to verify for LFS files.
 */
record FileMetadata(String path, String etag, long size, URI location, Optional<String> sha256) {}
