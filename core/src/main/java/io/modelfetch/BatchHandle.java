package io.modelfetch;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Many downloads submitted together with {@link Downloads#submitBatch}, followed as one: overall
 * progress, one future with every item's outcome, and controls that act on all of them.
 *
 * <pre>{@code
 * BatchHandle batch = downloads.submitBatch(List.of(
 *     DownloadRequest.of(checkpointUrl).into(models),
 *     DownloadRequest.of(vaeUrl).into(vaes)), BatchHandle.Mode.KEEP_GOING);
 * ui.showProgress(batch::progress);
 * BatchResult r = batch.result().join();       // completes when every item has ended
 * r.failures().forEach(f -> log.warn("{} failed: {}", f.request(), f.error().getMessage()));
 * }</pre>
 *
 * <p>Each item is an ordinary download: it has its own id, state and events, waits in the queue
 * like any other, and appears in {@link Downloads#list()}.
 */
public interface BatchHandle {
  /** What to do when an item fails. */
  enum Mode {
    /** The other items go on (the default). */
    KEEP_GOING,
    /** The first failure cancels every item that has not ended; they report {@code CANCELLED}. */
    FAIL_FAST
  }

  /** The items' handles, in the order of the requests. */
  List<DownloadHandle> downloads();

  /** The items' progress summed: bytes, files, rate and connections of all of them. */
  Progress progress();

  /**
   * Completes, never exceptionally, once every item has ended, with each item's result or error.
   * Cancelling this future cancels every item that has not ended.
   */
  CompletableFuture<BatchResult> result();

  /** Cancels every item that has not ended; false if none was left. */
  boolean cancel();

  /** Pauses every item that can be paused; false if none could. */
  boolean pause();

  /** Resumes every paused item; false if none was paused. */
  boolean resume();
}
