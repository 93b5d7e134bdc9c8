package io.modelfetch.aria2;

import io.modelfetch.internal.file.NoFollowFiles;
import io.modelfetch.spi.Transfer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The files beside a partial file that decide whether aria2 may resume it.
 *
 * <p>aria2 keeps its progress in {@code NAME.part.aria2}, writes it on every stop and deletes it
 * when the file is complete. That control file records which pieces are done but not which
 * content they belong to, so {@code NAME.part.aria2.key} holds a digest of the resolver's
 * identity, the server's validator and the size (a digest, because an identity may be a URL with
 * a token in it): a partial file is resumed only when the remote file is still the one it was
 * started from.
 */
final class PartFiles {
  private final Path part;
  private final Path control;
  /** Where aria2c writes its control file before renaming it into place. */
  private final Path controlTemp;
  private final PartOwner owner;
  private final Path key;
  /** The built-in backend's resume state; it describes bytes aria2 is about to overwrite. */
  private final Path builtInState;
  private final String expectedKey;
  private final boolean resumable;

  PartFiles(Transfer transfer) {
    this.part = transfer.partFile();
    this.control = sibling(".aria2");
    this.controlTemp = sibling(".aria2__temp");
    this.owner = new PartOwner(part);
    this.key = sibling(".aria2.key");
    this.builtInState = sibling(".state");
    this.expectedKey = digest(transfer.identity() + '\n' + transfer.validator().orElse("") + '\n' + transfer.size());
    // without ranges aria2 writes no control file: such a download always starts over
    this.resumable = transfer.acceptsRanges() && transfer.size() > 0;
  }

  /**
   * Fails when any file aria2c or this backend writes beside the partial file is a link (or not a
   * plain file): aria2c opens them following links, so they are checked before it gets the path
   * and again after it stops.
   */
  void refuseLinks() throws IOException {
    for (Path p : List.of(part, control, controlTemp, key, builtInState, owner.path())) {
      NoFollowFiles.refuseUnsafe(p);
    }
  }

  /** Whether aria2 can continue the partial file with its control file. */
  boolean canResume() throws IOException {
    return resumable && Files.isRegularFile(part) && Files.isRegularFile(control) && !Files.exists(builtInState)
        && Files.isRegularFile(key) && Files.readString(key, StandardCharsets.UTF_8).equals(expectedKey);
  }

  /** Why a partial file that aria2 could have resumed is thrown away, or {@code null} when there is none. */
  String discardReason() throws IOException {
    if (!Files.isRegularFile(part)) {
      return null;
    }
    if (Files.exists(builtInState)) {
      return "the partial file was written by the jdk backend, which the aria2 backend cannot continue; starting over";
    }
    if (resumable && Files.isRegularFile(control) && Files.isRegularFile(key)) {
      return "the partial file was started from another version of the remote file; starting over";
    }
    return null;
  }

  /** Removes everything an earlier attempt left, and records which content the new partial file holds. */
  void startOver() throws IOException {
    Files.deleteIfExists(part);
    Files.deleteIfExists(control);
    Files.deleteIfExists(builtInState);
    Files.deleteIfExists(key);
    owner.delete();
    if (resumable) {
      try (FileChannel ch = NoFollowFiles.createTemporary(key)) {
        ByteBuffer b = ByteBuffer.wrap(expectedKey.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
          ch.write(b);
        }
      }
    }
  }

  /** Removes the resume files once the partial file is complete (or past saving); the part itself stays for the engine. */
  void deleteResumeState() throws IOException {
    Files.deleteIfExists(control);
    Files.deleteIfExists(key);
    owner.delete();
  }

  /** Which aria2c writes the partial file. */
  PartOwner owner() {
    return owner;
  }

  Path part() {
    return part;
  }

  private Path sibling(String suffix) {
    return part.resolveSibling(part.getFileName() + suffix);
  }

  private static String digest(String text) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
