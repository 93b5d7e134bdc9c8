package io.modelfetch.testing;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/** Deterministic pseudo-random file contents and their hashes, for byte-identical assertions. */
public final class TestData {
  private TestData() {
  }

  /** {@code size} bytes derived from {@code seed}: the same arguments give the same bytes. */
  public static byte[] bytes(int size, long seed) {
    byte[] out = new byte[size];
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < size; i += 8) {
      long v = random.nextLong();
      for (int j = 0; j < 8 && i + j < size; j++) {
        out[i + j] = (byte) (v >>> (j * 8));
      }
    }
    return out;
  }

  public static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
