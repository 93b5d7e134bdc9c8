package io.modelfetch;

import java.util.concurrent.CompletableFuture;

/**
 * A submitted download, returned at once by {@link Downloads#submit}: its id, state and progress,
 * and the controls a download manager's UI needs (pause, resume, cancel, priority).
 *
 * <pre>{@code
 * DownloadHandle handle = downloads.submit(DownloadRequest.of(url).into(dir));
 * ui.showProgress(handle::snapshot);              // poll a live snapshot, or use a listener
 * pauseButton.onClick(handle::pause);
 * resumeButton.onClick(handle::resume);
 * handle.result().whenComplete((result, error) -> ui.done(result, error));
 * }</pre>
 *
 * <h2>The result future</h2>
 *
 * {@link #result()} is the download itself, not a copy: cancelling it, or completing it in any
 * other way ({@code orTimeout}, {@code completeOnTimeout}, {@code complete}), cancels the download
 * as {@link #cancel()} does (partial files are kept). {@code handle.result().get(10, SECONDS)}
 * only waits, while {@code handle.result().orTimeout(10, SECONDS)} stops the download after 10
 * seconds. Stages derived from it ({@code thenApply}, {@code whenComplete}, ...) are ordinary
 * futures: cancelling one of those does not stop the download. {@link #cancel()} works whether or
 * not the future was already completed by the caller.
 *
 * <p>When the download ends by itself, the future completes after the listeners' last callback
 * ({@code onCompleted} or {@code onFailed}) has returned, with the result or exceptionally with a
 * {@link DownloadException} (wrapped in a {@link java.util.concurrent.CompletionException} by
 * {@code join()}).
 */
public interface DownloadHandle {
  /** The download's id: unique within its {@link Downloads}, stable for its life, safe to show and to put in a URL. */
  String id();

  /** The request this download was started with. */
  DownloadRequest request();

  /** Completes with the result, or exceptionally with a {@link DownloadException}; see the class comment. */
  CompletableFuture<DownloadResult> result();

  /** Where the download is now. */
  DownloadState state();

  /** A live snapshot of the progress; cheap to call from a UI thread. */
  Progress progress();

  /** The whole state a UI shows (id, source, state, per-file progress, speed, error) at this moment. */
  DownloadSnapshot snapshot();

  /**
   * Stops the download promptly: every connection is closed and the future fails with
   * {@link DownloadException.Kind#CANCELLED}. The partial file ({@code NAME.part}) and its control
   * file are kept, so the same request resumes later, unless the request asked for
   * {@link DownloadRequest#discardPartialOnCancel(boolean)}. Nothing appears at the final name. A
   * queued or paused download is cancelled at once.
   *
   * @return {@code false} if the download had already ended
   */
  boolean cancel();

  /**
   * Pauses the download: its transfer stops, its connections and its running slot are freed for
   * the others, and its partial files are kept. A queued download is simply held back. The state
   * becomes {@link DownloadState#PAUSED} once the transfer has stopped (within moments).
   *
   * @return {@code false} if it was already paused or has ended
   */
  boolean pause();

  /**
   * Puts a paused download back in the queue; when its turn comes it continues from the bytes on
   * disk, without fetching again what the resume state records as done.
   *
   * @return {@code false} if it was not paused (or pausing)
   */
  boolean resume();

  /** Its priority in the queue; higher goes first. Starts as {@link DownloadRequest#priority(int)}. */
  int priority();

  /**
   * Changes the priority. Takes effect for the queue order at once; a download already running
   * keeps running.
   */
  void priority(int priority);

  /** This download's own rate limit, bytes per second; 0 for none. Starts as {@link DownloadRequest#bytesPerSecond(long)}. */
  long bytesPerSecond();

  /**
   * Changes this download's own rate limit (0 for none), also while it runs; takes effect within a
   * second. The {@link Limits#bytesPerSecond() total} limit of the {@link Downloads} applies as well.
   */
  void bytesPerSecond(long rate);

  /** Whether the download has ended (completed, failed or cancelled). */
  default boolean isDone() {
    return state().isTerminal();
  }
}
