package io.modelfetch.internal;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import java.util.concurrent.Semaphore;

/**
 * The connections one file's transfer may take to one host: each within its download's own limit
 * (across all its files) and the engine's {@link ConnectionLimits} (all downloads, per host). The
 * file's first connection is taken blocking; extra connections for splitting only when free, so
 * small files of a repository get one each while large ones grow into what is left, and are shed
 * again when the engine needs them back.
 */
public final class ConnectionBudget {
  private final Semaphore download;
  private final ConnectionLimits engine;
  private final String host;

  ConnectionBudget(Semaphore download, ConnectionLimits engine, String host) {
    this.download = download;
    this.engine = engine;
    this.host = host;
  }

  void acquire(Cancellation cancellation) throws DownloadException {
    try {
      download.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DownloadException(Kind.CANCELLED, "interrupted while waiting for a free connection");
    }
    try {
      engine.acquireFirst(host, cancellation);
    } catch (DownloadException | RuntimeException e) {
      download.release();
      throw e;
    }
  }

  /** Takes one more connection if one is free. */
  public boolean tryAcquire() {
    if (!download.tryAcquire()) {
      return false;
    }
    if (engine.tryAcquireExtra(host)) {
      return true;
    }
    download.release();
    return false;
  }

  public void release() {
    engine.release(host);
    download.release();
  }

  /** Whether the engine wants an extra connection back: an extra connection then stops at its next read. */
  public boolean wanted() {
    return engine.wanted(host);
  }

  /**
   * Gives an extra connection back when the engine wants it (a limit was lowered, or another file
   * waits for its first connection); returns true if it did, and the caller then closes that
   * connection without calling {@link #release()}.
   */
  public boolean shed() {
    if (engine.shed(host)) {
      download.release();
      return true;
    }
    return false;
  }
}
