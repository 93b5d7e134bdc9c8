package io.modelfetch.internal;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import java.util.HashMap;
import java.util.Map;

/**
 * The connections all running downloads of an engine hold, in total and per host, against limits
 * that can change at any time. A file's first connection waits for room; extra connections (for
 * splitting a file) are taken only when free and when no first connection is waiting, and are
 * given back ("shed") by their transfer while the engine is over a limit or a first connection
 * waits, so a queue of small files is not starved by one large file holding every connection.
 */
final class ConnectionLimits {
  private static final long RECHECK_MILLIS = 100;

  private final Map<String, Integer> perHost = new HashMap<>();
  private int max;
  private int maxPerHost;
  private int total;
  private int waitingFirst;

  ConnectionLimits(int max, int maxPerHost) {
    this.max = max;
    this.maxPerHost = maxPerHost;
  }

  synchronized void limits(int max, int maxPerHost) {
    this.max = max;
    this.maxPerHost = maxPerHost;
    notifyAll();
  }

  /** A file's first connection: waits for room, waking when one is released or the download is stopped. */
  void acquireFirst(String host, Cancellation cancellation) throws DownloadException {
    try (Cancellation.Registration wake = cancellation.onCancel(this::wakeAll)) {
      synchronized (this) {
        waitingFirst++;
        try {
          while (!take(host, 0)) {
            if (cancellation.isCancelled()) {
              throw new DownloadException(Kind.CANCELLED, "cancelled while waiting for a free connection");
            }
            wait(RECHECK_MILLIS);
          }
        } finally {
          waitingFirst--;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DownloadException(Kind.CANCELLED, "interrupted while waiting for a free connection");
    }
  }

  /** An extra connection, if one is free and no first connection is waiting for room. */
  synchronized boolean tryAcquireExtra(String host) {
    return take(host, waitingFirst);
  }

  synchronized void release(String host) {
    total--;
    perHost.merge(host, -1, Integer::sum);
    notifyAll();
  }

  /** Whether the engine is over a limit, or a first connection waits while every connection is taken. */
  synchronized boolean wanted(String host) {
    return total + waitingFirst > max || perHost.getOrDefault(host, 0) > maxPerHost;
  }

  /** Gives an extra connection back if {@link #wanted}; true if it did. */
  synchronized boolean shed(String host) {
    if (wanted(host)) {
      release(host);
      return true;
    }
    return false;
  }

  synchronized int inUse() {
    return total;
  }

  private boolean take(String host, int reserved) {
    if (total + reserved >= max || perHost.getOrDefault(host, 0) >= maxPerHost) {
      return false;
    }
    total++;
    perHost.merge(host, 1, Integer::sum);
    return true;
  }

  private synchronized void wakeAll() {
    notifyAll();
  }
}
