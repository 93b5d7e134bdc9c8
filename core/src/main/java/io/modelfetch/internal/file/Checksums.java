package io.modelfetch.internal.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.BooleanSupplier;

/** Hashes of files on disk, read with a bounded buffer so memory does not grow with file size. */
public final class Checksums {
  private static final int BUFFER = 1 << 20;

  private Checksums() {
  }

  public static MessageDigest sha256() {
    return digest("SHA-256");
  }

  public static String sha256(Path file, BooleanSupplier cancelled) throws IOException {
    return hash(file, sha256(), null, cancelled);
  }

  /** Git's blob id: {@code sha1("blob " + size + "\0" + content)}, as Hugging Face reports for non-LFS files. */
  public static String gitBlobSha1(Path file, long size, BooleanSupplier cancelled) throws IOException {
    return hash(file, digest("SHA-1"), ("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII), cancelled);
  }

  /**
   * Feeds {@code [from, to)} of the file into {@code digest}; returns false if cancelled midway.
   */
  public static boolean update(FileChannel channel, MessageDigest digest, long from, long to, ByteBuffer buffer,
      BooleanSupplier cancelled) throws IOException {
    long pos = from;
    while (pos < to) {
      if (cancelled.getAsBoolean()) {
        return false;
      }
      buffer.clear();
      buffer.limit((int) Math.min(buffer.capacity(), to - pos));
      int n = channel.read(buffer, pos);
      if (n < 0) {
        throw new IOException("file ended at " + pos + " while hashing up to " + to);
      }
      buffer.flip();
      digest.update(buffer);
      pos += n;
    }
    return true;
  }

  private static String hash(Path file, MessageDigest digest, byte[] prefix, BooleanSupplier cancelled)
      throws IOException {
    if (prefix != null) {
      digest.update(prefix);
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      if (!update(ch, digest, 0, ch.size(), ByteBuffer.allocate(BUFFER), cancelled)) {
        return null;
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is required by the Java platform", e);
    }
  }
}
