package io.modelfetch.internal;

import io.modelfetch.BatchHandle;
import io.modelfetch.BatchResult;
import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.DownloadHandle;
import io.modelfetch.Progress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A batch over downloads already submitted: watches each item's future, cancels the rest at the
 * first failure when failing fast, and completes with every item's outcome once all have ended.
 */
final class Batch implements BatchHandle {
  private final List<DownloadHandle> downloads;
  private final Mode mode;
  private final AtomicBoolean failedFast = new AtomicBoolean();
  private final CompletableFuture<BatchResult> result;

  Batch(List<DownloadHandle> downloads, Mode mode) {
    this.downloads = List.copyOf(downloads);
    this.mode = mode;
    List<CompletableFuture<BatchResult.Item>> items = new ArrayList<>();
    for (DownloadHandle d : this.downloads) {
      // a derived stage: the batch waiting on an item never completes (and so never cancels) the item's own future
      items.add(d.result().handle((r, e) -> item(d, r, e)));
    }
    CompletableFuture<BatchResult> all = CompletableFuture.allOf(items.toArray(CompletableFuture[]::new))
        .thenApply(v -> new BatchResult(items.stream().map(CompletableFuture::join).toList()));
    this.result = new CompletableFuture<>() {
      @Override
      public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        Batch.this.cancel();
        return cancelled;
      }
    };
    all.thenAccept(result::complete);
  }

  private BatchResult.Item item(DownloadHandle d, Object r, Throwable e) {
    if (e == null) {
      return new BatchResult.Item(d.id(), d.request(), (io.modelfetch.DownloadResult) r, null);
    }
    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    DownloadException error = cause instanceof DownloadException ? (DownloadException) cause
        : new DownloadException(Kind.CANCELLED, "cancelled: " + d.request(), cause);
    if (mode == Mode.FAIL_FAST && error.kind() != Kind.CANCELLED && failedFast.compareAndSet(false, true)) {
      cancel();
    }
    return new BatchResult.Item(d.id(), d.request(), null, error);
  }

  @Override
  public List<DownloadHandle> downloads() {
    return downloads;
  }

  @Override
  public Progress progress() {
    long done = 0;
    long total = 0;
    long rate = 0;
    int connections = 0;
    int filesDone = 0;
    int files = 0;
    for (DownloadHandle d : downloads) {
      Progress p = d.progress();
      done += p.bytesDone();
      total = total < 0 || p.totalBytes() < 0 ? -1 : total + p.totalBytes();
      rate += p.bytesPerSecond();
      connections += p.openConnections();
      filesDone += p.filesDone();
      files += p.filesTotal();
    }
    return new Progress(done, total, rate, connections, filesDone, files);
  }

  @Override
  public CompletableFuture<BatchResult> result() {
    return result;
  }

  @Override
  public boolean cancel() {
    boolean any = false;
    for (DownloadHandle d : downloads) {
      any |= d.cancel();
    }
    return any;
  }

  @Override
  public boolean pause() {
    boolean any = false;
    for (DownloadHandle d : downloads) {
      any |= d.pause();
    }
    return any;
  }

  @Override
  public boolean resume() {
    boolean any = false;
    for (DownloadHandle d : downloads) {
      any |= d.resume();
    }
    return any;
  }
}
