package io.modelfetch;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The outcome of a successful download: the files in place, verified.
 *
 * @param files every file, in the order the source listed them (one for a single-file URL)
 * @param bytesTransferred bytes received over the network by this run (0 when all were present)
 * @param elapsed wall time from submit to completion
 */
public record DownloadResult(List<DownloadedFile> files, long bytesTransferred, Duration elapsed) {

  public DownloadResult {
    files = List.copyOf(files);
    if (files.isEmpty()) {
      throw new IllegalArgumentException("a result has at least one file");
    }
  }

  /** The first (for single-file sources, the only) file. */
  public DownloadedFile file() {
    return files.get(0);
  }

  /** Shortcut for {@code file().path()}. */
  public Path path() {
    return file().path();
  }

  /** Shortcut for {@code file().metadata()}. */
  public Metadata metadata() {
    return file().metadata();
  }
}
