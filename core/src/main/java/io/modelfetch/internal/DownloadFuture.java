package io.modelfetch.internal;

import io.modelfetch.DownloadResult;
import java.util.concurrent.CompletableFuture;

/**
 * The future a download's handle returns: the download itself, so that whoever gives up on it
 * stops it. Completing it from outside (cancel, orTimeout, completeOnTimeout, complete) runs the
 * download's cancel; the engine completes it through {@link #settle}. Derived stages are plain
 * futures, so cancelling one of those does not reach back.
 */
final class DownloadFuture extends CompletableFuture<DownloadResult> {
  private final Runnable stop;

  DownloadFuture(Runnable stop) {
    this.stop = stop;
  }

  /** The engine's completion, after the last listener callback. */
  void settle(DownloadResult result, Throwable error) {
    if (error == null) {
      super.complete(result);
    } else {
      super.completeExceptionally(error);
    }
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    boolean cancelled = super.cancel(mayInterruptIfRunning);
    if (cancelled) {
      stop.run();
    }
    return cancelled;
  }

  @Override
  public boolean complete(DownloadResult value) {
    boolean completed = super.complete(value);
    if (completed) {
      stop.run();
    }
    return completed;
  }

  @Override
  public boolean completeExceptionally(Throwable ex) {
    boolean completed = super.completeExceptionally(ex);
    if (completed) {
      stop.run();
    }
    return completed;
  }

  @Override
  public void obtrudeValue(DownloadResult value) {
    throw new UnsupportedOperationException("a download's result cannot be replaced");
  }

  @Override
  public void obtrudeException(Throwable ex) {
    throw new UnsupportedOperationException("a download's result cannot be replaced");
  }

  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new CompletableFuture<>();
  }
}
