package io.modelfetch.benchmarks;

import io.modelfetch.DownloadResult;
import io.modelfetch.DownloadedFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fails a benchmark whose download did not produce what it should: a fast wrong answer is no
 * result. The count and sizes are checked inside the measured operation (they cost nothing);
 * the bytes are compared with the origin's file after it, outside the measured time, because a
 * full comparison is the only check that catches one wrong byte (a sample of blocks would not),
 * and comparing two files on a tmpfs is cheaper than hashing one.
 */
final class Downloaded {
  private Downloaded() {
  }

  static void check(DownloadResult result, int files, long bytesPerFile) throws IOException {
    if (result.files().size() != files) {
      throw new IllegalStateException("expected " + files + " files but the download produced "
          + result.files().size());
    }
    for (DownloadedFile f : result.files()) {
      if (f.status() != DownloadedFile.Status.DOWNLOADED) {
        throw new IllegalStateException(f.path() + " was not downloaded but " + f.status());
      }
      long onDisk = Files.size(f.path());
      if (onDisk != bytesPerFile) {
        throw new IllegalStateException(f.path() + " has " + onDisk + " bytes, expected " + bytesPerFile);
      }
    }
  }

  /** Fails unless {@code downloaded} holds exactly the bytes of the origin's {@code original}, naming the first wrong one. */
  static void sameBytes(Path downloaded, Path original) throws IOException {
    long at = Files.mismatch(downloaded, original);
    if (at != -1) {
      throw new IllegalStateException(downloaded + " differs from the origin's " + original.getFileName()
          + " at byte " + at + " (sizes " + Files.size(downloaded) + " and " + Files.size(original) + ")");
    }
  }
}
