package io.inferencegraph.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * A set of API keys, kept only as SHA-256 digests and matched in constant time. The keys themselves
 * are never stored, printed or logged: {@link #toString} says how many there are.
 */
public final class ApiKeys {
  public static final ApiKeys NONE = new ApiKeys(List.of());

  private final List<byte[]> digests;

  private ApiKeys(List<byte[]> digests) {
    this.digests = digests;
  }

  static ApiKeys of(List<String> keys) {
    return keys.isEmpty() ? NONE : new ApiKeys(keys.stream().distinct().map(ApiKeys::sha256).toList());
  }

  public boolean isEmpty() {
    return digests.isEmpty();
  }

  public int size() {
    return digests.size();
  }

  /**
   * Whether {@code presented} is one of the keys. Every key is compared, digest against digest, so
   * the time taken says nothing about which key came close, nor how long the keys are.
   */
  public boolean matches(String presented) {
    byte[] digest = sha256(presented);
    boolean found = false;
    for (byte[] key : digests) {
      found |= MessageDigest.isEqual(key, digest);
    }
    return found;
  }

  @Override
  public String toString() {
    return "ApiKeys[" + digests.size() + " key(s)]";
  }

  private static byte[] sha256(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
