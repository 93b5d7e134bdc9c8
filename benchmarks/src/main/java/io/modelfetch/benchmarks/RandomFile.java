package io.modelfetch.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/** Writes a file of pseudo-random bytes for an origin to serve, a chunk at a time, so size costs no heap. */
final class RandomFile {
  private static final int CHUNK = 1 << 20;

  private RandomFile() {
  }

  /** Writes {@code size} bytes derived from {@code seed} to {@code file}; returns their SHA-256 in hex. */
  static String write(Path file, long size, long seed) throws IOException {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    SplittableRandom random = new SplittableRandom(seed);
    ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
    try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (long written = 0; written < size; ) {
        chunk.clear();
        while (chunk.remaining() >= Long.BYTES) {
          chunk.putLong(random.nextLong());
        }
        chunk.flip().limit((int) Math.min(CHUNK, size - written));
        sha256.update(chunk.duplicate());
        while (chunk.hasRemaining()) {
          written += out.write(chunk);
        }
      }
    }
    return HexFormat.of().formatHex(sha256.digest());
  }
}
