package io.modelfetch;

/**
 * Where a download is in its life. A download moves forward through these states, except that
 * {@link #PAUSED} goes back to {@link #QUEUED} on {@link DownloadHandle#resume()}:
 *
 * <pre>
 * QUEUED -> RESOLVING -> DOWNLOADING -> VERIFYING -> COMPLETED
 *    \          \             \             \-----> FAILED | CANCELLED
 *     \          \             \-> PAUSED -> QUEUED -> ...
 * </pre>
 *
 * <p>A download resolved beforehand with {@link Downloads#resolve} skips {@code RESOLVING}. Every
 * change is reported to {@link DownloadListener#onStateChanged}.
 */
public enum DownloadState {
  /** Waiting for a free slot (or for its {@link DownloadRequest#notBefore not-before} time). */
  QUEUED,
  /** Asking the source what the files are. */
  RESOLVING,
  /** Moving bytes. */
  DOWNLOADING,
  /** Stopped by {@link DownloadHandle#pause()}; its partial files are kept and it holds no slot or connection. */
  PAUSED,
  /** Every file's bytes are on disk; sizes and checksums are being checked. */
  VERIFYING,
  /** Every file is verified and in place. */
  COMPLETED,
  /** Ended with an error. */
  FAILED,
  /** Ended by {@link DownloadHandle#cancel()}. */
  CANCELLED;

  /** Whether the download has ended: completed, failed or cancelled. */
  public boolean isTerminal() {
    return this == COMPLETED || this == FAILED || this == CANCELLED;
  }
}
