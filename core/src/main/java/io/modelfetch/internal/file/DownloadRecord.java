package io.modelfetch.internal.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * What was downloaded into a file, kept with the file itself as a user extended attribute
 * ({@code user.modelfetch.record}): digests of the source's identity and the server's validator,
 * the size, and the file's modification time when it was recorded. It lets a later run trust a
 * file whose hash it does not know: the file is the one this library downloaded from the same
 * source (same identity and, when the server gives one, the same ETag) and nobody changed it since
 * (same size and modification time). Identity and validator are stored as digests because an
 * identity may be a URL with a token in it.
 *
 * <p>Written on the verified partial file just before the atomic rename, so the record and the
 * file appear together. Where the file system has no user attributes (FAT, some network file
 * systems), the same line goes into a hidden file beside the target, {@code .NAME.modelfetch}.
 *
 * @param source digest of the identity
 * @param validator digest of the ETag or Last-Modified, or {@code null} when the server gave none
 * @param size the file's size
 * @param modifiedMillis the file's modification time when recorded
 */
public record DownloadRecord(String source, String validator, long size, long modifiedMillis) {
  private static final String ATTRIBUTE = "modelfetch.record";
  private static final String FORMAT = "1";

  /** The record for a file downloaded from {@code identity} under {@code validator} (may be null). */
  public static DownloadRecord of(Path file, String identity, String validator) throws IOException {
    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    return new DownloadRecord(digest(identity), validator == null ? null : digest(validator), a.size(),
        a.lastModifiedTime().toMillis());
  }

  /**
   * Records this for {@code target}, whose content is at {@code file} now (the verified part, about
   * to be renamed to the target): as a user attribute of the file, else in {@link #fallbackFor}.
   */
  public void writeFor(Path file, Path target) throws IOException {
    writeFor(file, target, true);
  }

  void writeFor(Path file, Path target, boolean attributes) throws IOException {
    if (!attributes || !writeAttribute(file)) {
      Path fallback = fallbackFor(target);
      NoFollowFiles.writeAtomically(fallback, fallback.resolveSibling(fallback.getFileName() + ".tmp"),
          text().getBytes(StandardCharsets.US_ASCII));
    }
  }

  /** The record kept beside {@code target} where user attributes are not available. */
  public static Path fallbackFor(Path target) {
    return target.resolveSibling("." + target.getFileName() + ".modelfetch");
  }

  /** The record of {@code target}: its user attribute, else the file beside it; empty when neither is this library's. */
  public static Optional<DownloadRecord> readFor(Path target) {
    Optional<DownloadRecord> attribute = readAttribute(target);
    if (attribute.isPresent()) {
      return attribute;
    }
    Path fallback = fallbackFor(target);
    try {
      if (!Files.isRegularFile(fallback, LinkOption.NOFOLLOW_LINKS) || Files.size(fallback) > 1024) {
        return Optional.empty();
      }
      return parse(Files.readString(fallback, StandardCharsets.US_ASCII).strip());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private String text() {
    return String.join(" ", FORMAT, source, validator == null ? "-" : validator, Long.toString(size),
        Long.toString(modifiedMillis));
  }

  private boolean writeAttribute(Path file) {
    UserDefinedFileAttributeView view = view(file);
    if (view == null) {
      return false;
    }
    try {
      view.write(ATTRIBUTE, ByteBuffer.wrap(text().getBytes(StandardCharsets.US_ASCII)));
      return true;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  private static Optional<DownloadRecord> readAttribute(Path file) {
    UserDefinedFileAttributeView view = view(file);
    if (view == null) {
      return Optional.empty();
    }
    try {
      ByteBuffer buffer = ByteBuffer.allocate(Math.min(view.size(ATTRIBUTE), 1024));
      view.read(ATTRIBUTE, buffer);
      return parse(new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static Optional<DownloadRecord> parse(String text) {
    String[] f = text.split(" ");
    if (f.length != 5 || !f[0].equals(FORMAT)) {
      return Optional.empty();
    }
    try {
      return Optional.of(new DownloadRecord(f[1], f[2].equals("-") ? null : f[2], Long.parseLong(f[3]),
          Long.parseLong(f[4])));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * Whether {@code file}, as it is now, is what this record describes, downloaded from
   * {@code identity}; {@code validator} is the server's current one, or null when not known (then
   * only identity, size and modification time are compared).
   */
  public boolean describes(Path file, String identity, String validator) throws IOException {
    DownloadRecord now = of(file, identity, validator);
    return source.equals(now.source) && size == now.size && modifiedMillis == now.modifiedMillis
        && (validator == null || this.validator == null || Objects.equals(this.validator, now.validator));
  }

  private static UserDefinedFileAttributeView view(Path file) {
    return Files.getFileAttributeView(file, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
  }

  private static String digest(String text) {
    MessageDigest sha = Checksums.sha256();
    return HexFormat.of().formatHex(sha.digest(text.getBytes(StandardCharsets.UTF_8)));
  }
}
