package io.inferencegraph.hub;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The sha256 an LFS file must have before it becomes a blob; a mismatching download is deleted, not kept. */
final class LfsChecksum {
  private LfsChecksum() {}

  static void verify(Path download, String expected, String what) {
    String actual = sha256(download);
    if (!actual.equals(expected)) {
      try {
        Files.deleteIfExists(download);
      } catch (IOException ignored) {
        // the next pull overwrites it: its first GET asks for the whole file
      }
      throw new HubException(HubException.Kind.CHECKSUM_MISMATCH, what + " arrived with sha256 " + actual
          + " but the Hub announced " + expected + "; the download was discarded");
    }
  }

  static String sha256(Path file) {
    try (DigestInputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(in.getMessageDigest().digest());
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new HubException(HubException.Kind.CACHE, "could not read back " + file + ": " + e.getMessage(), e);
    }
  }
}
