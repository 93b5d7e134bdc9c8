package io.modelfetch.internal;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.internal.file.Checksums;
import io.modelfetch.internal.file.ControlFile;
import io.modelfetch.internal.file.DownloadRecord;
import io.modelfetch.internal.file.FileErrors;
import io.modelfetch.internal.file.NoFollowFiles;
import io.modelfetch.internal.file.TargetLock;
import io.modelfetch.spi.RemoteFile;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The partial file {@code NAME.part} beside a target, and the two ways it ends: verified (size,
 * SHA-256, git blob id), forced to disk and moved atomically to {@code NAME}; or discarded together
 * with every backend's resume state beside it. Nothing reaches the final name unverified.
 */
final class PartFile {
  private final Path target;
  private final Path path;
  private final DownloadTask task;

  PartFile(Path target, DownloadTask task) {
    this.target = target;
    this.path = target.resolveSibling(target.getFileName() + ".part");
    this.task = task;
  }

  Path path() {
    return path;
  }

  /**
   * The part's length, checked against {@code expected} when that is known (not -1); a part of
   * another length is discarded.
   */
  long verifySize(long expected) throws DownloadException {
    long actual;
    try {
      NoFollowFiles.refuseUnsafe(path); // a backend that hands the path to another program (aria2c) ends here too
      actual = Files.size(path);
    } catch (IOException e) {
      throw cannotVerify(e);
    }
    if (expected >= 0 && actual != expected) {
      discard();
      throw new DownloadException(Kind.CHECKSUM_MISMATCH, "the download of " + path.getFileName()
          + " has " + actual + " bytes but should have " + expected + "; the partial file was removed, run it again");
    }
    return actual;
  }

  /**
   * Checks the part's content against the SHA-256 and git blob id the source promised, and returns
   * its SHA-256: the one the backend computed while writing, else read from disk when one is
   * expected or always wanted; null when none is. A mismatch discards the part.
   *
   * @param size the part's verified length
   * @param computedSha256 what the backend computed during the transfer, or null
   */
  String verifyContent(long size, RemoteFile file, String computedSha256) throws DownloadException {
    try {
      String expected = file.sha256().orElse(null);
      String sha256 = computedSha256;
      if (sha256 == null && (expected != null || task.engine().config().alwaysHash())) {
        sha256 = Checksums.sha256(path, task.cancellation()::isCancelled);
        task.checkNotCancelled();
      }
      if (expected != null && !expected.equals(sha256)) {
        discard();
        throw new DownloadException(Kind.CHECKSUM_MISMATCH, "SHA-256 mismatch for " + path.getFileName()
            + ": expected " + expected + " but got " + sha256
            + "; the corrupt download was removed, nothing was written at the final name");
      }
      if (file.gitBlobSha1().isPresent()) {
        String git = Checksums.gitBlobSha1(path, size, task.cancellation()::isCancelled);
        task.checkNotCancelled();
        if (!file.gitBlobSha1().get().equals(git)) {
          discard();
          throw new DownloadException(Kind.CHECKSUM_MISMATCH, "git blob id mismatch for " + path.getFileName()
              + ": expected " + file.gitBlobSha1().get() + " but got " + git + "; the corrupt download was removed");
        }
      }
      return sha256;
    } catch (IOException e) {
      throw cannotVerify(e);
    }
  }

  private DownloadException cannotVerify(IOException e) {
    return new DownloadException(Kind.LOCAL_IO, "cannot read " + path + " to verify it: " + FileErrors.cause(e), e);
  }

  /**
   * Records on the verified part where it came from ({@link DownloadRecord}), so a later run can
   * trust the final file without a hash: a user attribute, else a hidden file beside the target.
   */
  void record(String identity, String validator) {
    try {
      DownloadRecord.of(path, identity, validator).writeFor(path, target);
    } catch (IOException e) {
      task.notice("could not record the source of " + path.getFileName() + ": " + FileErrors.cause(e));
    }
  }

  /** Whether a partial file or resume state of an earlier attempt lies beside {@code target}. */
  static boolean hasLeftovers(Path target) {
    Path part = target.resolveSibling(target.getFileName() + ".part");
    return Files.exists(part, LinkOption.NOFOLLOW_LINKS)
        || Files.exists(ControlFile.pathFor(part), LinkOption.NOFOLLOW_LINKS);
  }

  /** Forces the verified part to disk, renames it to the target, and deletes the resume state it leaves behind. */
  void moveToTarget() throws DownloadException {
    forceToDisk();
    move();
    deleteLeftovers();
  }

  private void forceToDisk() throws DownloadException {
    try (FileChannel ch = NoFollowFiles.openForWriting(path)) {
      ch.force(true);
    } catch (IOException e) {
      throw new DownloadException(Kind.LOCAL_IO, "cannot flush " + path + " to disk: " + FileErrors.cause(e), e);
    }
  }

  private void move() throws DownloadException {
    try {
      NoFollowFiles.moveReplacing(path, target);
      syncDirectory(target.getParent());
    } catch (IOException e) {
      throw new DownloadException(Kind.LOCAL_IO, "cannot move " + path + " to " + target + ": " + FileErrors.cause(e), e);
    }
  }

  /** Makes the rename durable; not every platform can open a directory, and then the rename is simply not forced. */
  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException ignored) {
      // best effort
    }
  }

  /** Deletes the part and its resume state, so the next attempt starts from byte 0. */
  void discard() {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      task.notice("could not delete " + path + ": " + FileErrors.cause(e));
    }
    deleteLeftovers();
  }

  /**
   * Deletes every backend's resume files beside the partial file ({@code NAME.part.state},
   * {@code NAME.part.aria2}, ...), whichever backend wrote them; the lock file is the lock's to delete.
   */
  void deleteLeftovers() {
    String prefix = path.getFileName() + ".";
    try (var siblings = Files.list(path.getParent())) {
      for (Path p : (Iterable<Path>) siblings::iterator) {
        String name = p.getFileName().toString();
        if (name.startsWith(prefix) && !p.equals(TargetLock.pathFor(target))) {
          Files.deleteIfExists(p);
        }
      }
    } catch (IOException e) {
      task.notice("could not delete the resume state beside " + path + ": " + e.getMessage());
    }
  }
}
