package io.modelfetch.benchmarks;

import io.modelfetch.DownloadResult;
import io.modelfetch.DownloadedFile;
import java.io.IOException;
import java.nio.file.Files;

/** Fails a benchmark whose download did not produce what it should: a fast wrong answer is no result. */
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
}
