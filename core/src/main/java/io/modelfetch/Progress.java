package io.modelfetch;

import java.time.Duration;
import java.util.Optional;

/**
 * A snapshot of a download's progress, as shown in a progress bar.
 *
 * @param bytesDone bytes of the download's files that are on disk (for a resumed file this
 *     includes what an earlier run left)
 * @param totalBytes total size of the files, or {@code -1} while any size is unknown
 * @param bytesPerSecond current transfer rate, averaged over the last few seconds
 * @param openConnections connections transferring bytes right now
 * @param filesDone files finished (downloaded, verified and in place)
 * @param filesTotal files this download resolved to
 */
public record Progress(
    long bytesDone, long totalBytes, long bytesPerSecond, int openConnections, int filesDone, int filesTotal) {

  /** Nothing known yet. */
  public static final Progress NONE = new Progress(0, -1, 0, 0, 0, 0);

  /** The fraction done in 0..1, or empty while the total is unknown. */
  public Optional<Double> fraction() {
    if (totalBytes <= 0) {
      return totalBytes == 0 ? Optional.of(1.0) : Optional.empty();
    }
    return Optional.of(Math.min(1.0, (double) bytesDone / totalBytes));
  }

  /** Estimated time left at the current rate, or empty when the total or the rate is unknown. */
  public Optional<Duration> eta() {
    if (totalBytes < 0 || bytesPerSecond <= 0) {
      return Optional.empty();
    }
    long remaining = Math.max(0, totalBytes - bytesDone);
    return Optional.of(Duration.ofMillis(remaining * 1000 / bytesPerSecond));
  }

  // Written out: a record's generated equals/hashCode/toString bootstrap method handles on first
  // use, ~30 ms of CPU in the first progress tick of every process (seen in -Xlog:class+load).
  @Override
  public boolean equals(Object o) {
    return o instanceof Progress p && bytesDone == p.bytesDone && totalBytes == p.totalBytes
        && bytesPerSecond == p.bytesPerSecond && openConnections == p.openConnections && filesDone == p.filesDone
        && filesTotal == p.filesTotal;
  }

  @Override
  public int hashCode() {
    int h = Long.hashCode(bytesDone);
    h = 31 * h + Long.hashCode(totalBytes);
    h = 31 * h + Long.hashCode(bytesPerSecond);
    h = 31 * h + openConnections;
    h = 31 * h + filesDone;
    return 31 * h + filesTotal;
  }

  @Override
  public String toString() {
    return "Progress[bytesDone=" + bytesDone + ", totalBytes=" + totalBytes + ", bytesPerSecond=" + bytesPerSecond
        + ", openConnections=" + openConnections + ", filesDone=" + filesDone + ", filesTotal=" + filesTotal + "]";
  }
}
