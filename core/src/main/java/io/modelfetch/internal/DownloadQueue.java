package io.modelfetch.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * The downloads waiting for a running slot, and how many slots are taken. A download leaves the
 * queue by priority (higher first), then submission order, once its not-before time has come and
 * fewer than the limit are running. Starting a download happens outside this lock: the task
 * refuses to start if it was paused or cancelled meanwhile, and its slot is given back.
 */
final class DownloadQueue {
  private static final Comparator<DownloadTask> ORDER = Comparator.comparingInt((DownloadTask t) -> t.priority()).reversed()
      .thenComparingLong(DownloadTask::sequence);

  private final List<DownloadTask> waiting = new ArrayList<>();
  private final Predicate<DownloadTask> starter;
  private int running;
  private int maxRunning;

  /** @param starter starts a task and says whether it did (it may have been paused or cancelled meanwhile) */
  DownloadQueue(int maxRunning, Predicate<DownloadTask> starter) {
    this.maxRunning = maxRunning;
    this.starter = starter;
  }

  void offer(DownloadTask task) {
    synchronized (this) {
      if (!waiting.contains(task)) {
        waiting.add(task);
      }
    }
    pump();
  }

  synchronized void remove(DownloadTask task) {
    waiting.remove(task);
  }

  /** A running download gave its slot back (it ended or paused). */
  void released() {
    synchronized (this) {
      running--;
    }
    pump();
  }

  void maxRunning(int max) {
    synchronized (this) {
      maxRunning = max;
    }
    pump();
  }

  synchronized int running() {
    return running;
  }

  synchronized int waiting() {
    return waiting.size();
  }

  /** Starts waiting downloads while slots are free; also called by the ticker for not-before times. */
  void pump() {
    while (true) {
      DownloadTask next;
      synchronized (this) {
        if (running >= maxRunning) {
          return;
        }
        next = nextEligible(Instant.now());
        if (next == null) {
          return;
        }
        waiting.remove(next);
        running++;
      }
      if (!starter.test(next)) {
        synchronized (this) {
          running--;
        }
      }
    }
  }

  private DownloadTask nextEligible(Instant now) {
    DownloadTask best = null;
    for (DownloadTask t : waiting) {
      Instant notBefore = t.request().notBefore().orElse(null);
      if (notBefore != null && notBefore.isAfter(now)) {
        continue;
      }
      if (best == null || ORDER.compare(t, best) < 0) {
        best = t;
      }
    }
    return best;
  }
}
