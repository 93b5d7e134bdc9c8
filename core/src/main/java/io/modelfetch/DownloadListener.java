package io.modelfetch;

import java.nio.file.Path;
import java.util.List;

/**
 * Observes downloads. Every callback has an empty default, so implement only what you need.
 *
 * <pre>{@code
 * Downloads downloads = Downloads.builder()
 *     .listener(new DownloadListener() {
 *       @Override public void onProgress(DownloadHandle d, Progress p) {
 *         SwingUtilities.invokeLater(() -> bar.setValue((int) (p.fraction().orElse(0.0) * 100)));
 *       }
 *     })
 *     .build();
 * }</pre>
 *
 * <h2>Order of events</h2>
 *
 * For one download the callbacks come in this order, one at a time (never two at once for the
 * same download), on a modelfetch thread that is never holding an engine lock:
 *
 * <pre>
 * onStateChanged(QUEUED)
 * onStateChanged(RESOLVING)      (not when the request was resolved beforehand with Downloads.resolve)
 * onResolved
 * onStateChanged(DOWNLOADING)
 * onStarted
 *   for each file:  onFileStarted  (onProgress | onRetrying | onRestarted)*  onVerifying  onFileCompleted
 *                   (a file already complete at its target: onVerifying onFileCompleted, nothing else)
 *                   onStateChanged(VERIFYING) comes just before an onVerifying that leaves no file
 *                   transferring, and onStateChanged(DOWNLOADING) if another file starts after it
 * onProgress        (a last one, with all bytes done; each onProgress is followed by onFileProgress)
 * onStateChanged(COMPLETED)
 * onCompleted
 * </pre>
 *
 * <p>A pause adds {@code onStateChanged(PAUSED)} once the transfer has stopped, and a resume
 * {@code onStateChanged(QUEUED)}, then {@code onStateChanged(DOWNLOADING)} when it runs again;
 * {@code onResolved}, {@code onStarted} and {@code onFileStarted} are not repeated for files
 * already announced, and the progress goes on from the bytes on disk.
 *
 * <p>Listeners of different downloads may be called at the same time on different threads.
 *
 * <p>Files of a multi-file download run concurrently, so their per-file events interleave. A
 * failure at any point ends the sequence with {@code onStateChanged(FAILED)} (or
 * {@code CANCELLED}) and {@code onFailed} instead of {@code onCompleted}; when resolution fails,
 * these are the only events after {@code RESOLVING}. Every download ends with exactly one
 * of {@code onCompleted} or {@code onFailed}, and {@link DownloadHandle#result()} completes only
 * after that callback has returned. {@code onNotice} may come at any point, and {@code onRetrying}
 * also before {@code onResolved} when an API call of the source is retried.
 *
 * <p>Progress is throttled to a few events a second. A listener that throws is logged and
 * ignored: it can never break a download. Callbacks should be quick; a slow listener delays the
 * events after it, not the transfer.
 */
public interface DownloadListener {
  /** A listener that does nothing. */
  DownloadListener NONE = new DownloadListener() {
  };

  /**
   * The download entered a new state ({@link DownloadHandle#state()} may already have moved on by
   * the time this is called; the calls themselves come in the order of the changes).
   */
  default void onStateChanged(DownloadHandle download, DownloadState state) {
  }

  /** The source was resolved: names, sizes, checksums and metadata are known. */
  default void onResolved(DownloadHandle download, List<ResolvedFile> files) {
  }

  /** Transfers are about to begin. */
  default void onStarted(DownloadHandle download) {
  }

  /**
   * A file's transfer begins.
   *
   * @param target where the file will be, once complete (bytes go to {@code target + ".part"} first)
   * @param resumedBytes bytes an earlier attempt left that will not be fetched again
   */
  default void onFileStarted(DownloadHandle download, Path target, long resumedBytes) {
  }

  /** Throttled progress of the whole download. */
  default void onProgress(DownloadHandle download, Progress progress) {
  }

  /**
   * Each file's progress at the moment of the {@code onProgress} just before it (a Hugging Face
   * repository or a Drive folder lists every file: name, bytes, size, state); called right after
   * every {@code onProgress}.
   */
  default void onFileProgress(DownloadHandle download, List<FileProgress> files) {
  }

  /** A request failed and will be tried again after {@code retry.delay()}. */
  default void onRetrying(DownloadHandle download, RetryInfo retry) {
  }

  /**
   * A partial file could not be continued and its transfer starts over from byte 0, for example
   * because the remote file changed since the partial file was written.
   */
  default void onRestarted(DownloadHandle download, Path target, String reason) {
  }

  /** A file is complete on disk and its size and checksum are being checked. */
  default void onVerifying(DownloadHandle download, Path target) {
  }

  /** A file is verified and at its final name. */
  default void onFileCompleted(DownloadHandle download, DownloadedFile file) {
  }

  /** The download succeeded. */
  default void onCompleted(DownloadHandle download, DownloadResult result) {
  }

  /** The download failed or was cancelled. */
  default void onFailed(DownloadHandle download, DownloadException error) {
  }

  /** Something a user should know that is not an error (a backend fell back to another). */
  default void onNotice(DownloadHandle download, String message) {
  }

  /** Creates a listener per download, for state that belongs to one download. */
  @FunctionalInterface
  interface Factory {
    DownloadListener create(DownloadRequest request);
  }
}
