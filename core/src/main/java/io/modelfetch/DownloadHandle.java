package io.modelfetch;

import java.util.concurrent.CompletableFuture;

/**
 * A download in flight, returned at once by {@link Downloads#submit}.
 *
 * <pre>{@code
 * DownloadHandle handle = downloads.submit(DownloadRequest.of(url).into(dir));
 * ui.showProgress(handle::progress);              // poll a live snapshot, or use a listener
 * handle.result().whenComplete((result, error) -> ui.done(result, error));
 * }</pre>
 *
 * <p>The future completes after the listener's last callback ({@code onCompleted} or
 * {@code onFailed}) has returned. It completes exceptionally with a {@link DownloadException}
 * (wrapped in a {@link java.util.concurrent.CompletionException} by {@code join()}).
 */
public interface DownloadHandle {
  /** The request this download was started with. */
  DownloadRequest request();

  /** Completes with the result, or exceptionally with a {@link DownloadException}. */
  CompletableFuture<DownloadResult> result();

  /** A live snapshot of the progress; cheap to call from a UI thread. */
  Progress progress();

  /**
   * Stops the download promptly: every connection is closed and the future fails with
   * {@link DownloadException.Kind#CANCELLED}. The partial file ({@code NAME.part}) and its control
   * file are kept, so the same request resumes later, unless the request asked for
   * {@link DownloadRequest#discardPartialOnCancel(boolean)}. Nothing appears at the final name.
   *
   * @return {@code false} if the download had already finished
   */
  boolean cancel();

  /** Whether the download has finished (completed, failed or cancelled). */
  default boolean isDone() {
    return result().isDone();
  }
}
