package io.modelfetch.civitai;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The source form for identifying a local file on CivitAI, {@code civitai:identify:<file URI>},
 * and the SHA-256 it is looked up by. A URI rather than a plain path keeps spaces and
 * non-ASCII names intact in a one-line source string.
 */
final class Identification {
  static final String PREFIX = "civitai:identify:";
  private static final int BUFFER = 1 << 20;

  private Identification() {
  }

  static String source(Path file) {
    return PREFIX + file.toAbsolutePath().normalize().toUri();
  }

  static boolean matches(String source) {
    return source.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
  }

  /** The local file a source names; it must exist. */
  static Path file(String source) throws DownloadException {
    String rest = source.strip().substring(PREFIX.length());
    Path path;
    try {
      path = Path.of(URI.create(rest));
    } catch (IllegalArgumentException | FileSystemNotFoundException e) {
      throw new DownloadException(Kind.INVALID_REQUEST, "'" + source + "' does not name a local file; write "
          + PREFIX + "file:///path/to/model.safetensors, or use CivitaiResolver.identify(path)", e);
    }
    if (!Files.isRegularFile(path)) {
      throw new DownloadException(Kind.INVALID_REQUEST, "there is no file " + path + " to identify");
    }
    return path;
  }

  /** The file's SHA-256 in lower case; cancelling the download interrupts it. */
  static String sha256(Path file) throws DownloadException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
      while (channel.read(buffer) >= 0) {
        buffer.flip();
        digest.update(buffer);
        buffer.clear();
      }
    } catch (ClosedByInterruptException e) {
      throw new DownloadException(Kind.CANCELLED, "cancelled while computing the SHA-256 of " + file, e);
    } catch (IOException e) {
      throw new DownloadException(Kind.LOCAL_IO, "cannot read " + file + ": " + e.getMessage(), e);
    }
    return HexFormat.of().formatHex(digest.digest()).toLowerCase(Locale.ROOT);
  }
}
