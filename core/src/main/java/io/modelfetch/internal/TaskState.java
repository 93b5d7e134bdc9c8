package io.modelfetch.internal;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadResult;
import io.modelfetch.DownloadState;
import java.util.List;

/**
 * One download's state machine: which state it is in, whether a run is active, and what pause,
 * resume and cancel requests turn a stopped run into. Every change is posted to the listeners in
 * order (posting only enqueues; no callback runs under this lock). Lock order: the task, then this;
 * the queue is only called with neither held.
 */
final class TaskState {
  private final DownloadTask task;
  private final Events events;
  private DownloadState state = DownloadState.QUEUED;
  private boolean active;
  private boolean cancelRequested;
  private boolean pauseRequested;
  private boolean resumeAfterPause;

  TaskState(DownloadTask task, Events events) {
    this.task = task;
    this.events = events;
  }

  synchronized DownloadState current() {
    return state;
  }

  synchronized boolean cancelRequested() {
    return cancelRequested;
  }

  synchronized boolean isTransferring() {
    return active && (state == DownloadState.DOWNLOADING || state == DownloadState.VERIFYING);
  }

  /** Posts the first state: QUEUED, or PAUSED for a paused download restored from the state folder. */
  synchronized void announce(boolean paused) {
    if (paused) {
      state = DownloadState.PAUSED;
    }
    events.stateChanged(state);
  }

  /** A slot is free: begins a run unless the download was paused or cancelled while it waited. */
  synchronized boolean start(boolean resolve, Runnable beforeRun) {
    if (state != DownloadState.QUEUED || cancelRequested || active) {
      return false;
    }
    active = true;
    pauseRequested = false;
    resumeAfterPause = false;
    beforeRun.run();
    if (resolve) {
      moveTo(DownloadState.RESOLVING);
    }
    return true;
  }

  synchronized void downloading() {
    moveTo(DownloadState.DOWNLOADING);
  }

  /** VERIFYING while every file left is being verified, else DOWNLOADING. */
  synchronized void filesChanged(List<FileJob> jobs) {
    if (!active || pauseRequested || cancelRequested
        || (state != DownloadState.DOWNLOADING && state != DownloadState.VERIFYING)) {
      return;
    }
    boolean verifying = false;
    boolean others = false;
    for (FileJob job : jobs) {
      DownloadState s = job.state();
      verifying |= s == DownloadState.VERIFYING;
      others |= s != DownloadState.VERIFYING && s != DownloadState.COMPLETED;
    }
    if (others) {
      moveTo(DownloadState.DOWNLOADING);
    } else if (verifying) {
      moveTo(DownloadState.VERIFYING);
    }
  }

  boolean pause() {
    Cancellation stop = null;
    synchronized (this) {
      if (state.isTerminal() || cancelRequested || state == DownloadState.PAUSED) {
        return false;
      }
      if (active) {
        if (pauseRequested && !resumeAfterPause) {
          return false;
        }
        pauseRequested = true;
        resumeAfterPause = false;
        stop = task.cancellation();
      } else {
        moveTo(DownloadState.PAUSED);
      }
    }
    if (stop != null) {
      stop.cancel();
    } else {
      task.engine().manager().queue().remove(task);
    }
    return true;
  }

  boolean resume() {
    synchronized (this) {
      if (active && pauseRequested && !resumeAfterPause) {
        resumeAfterPause = true; // the run is still stopping; it goes back to the queue when it has
        return true;
      }
      if (active || state != DownloadState.PAUSED) {
        return false;
      }
      moveTo(DownloadState.QUEUED);
    }
    task.engine().manager().queue().offer(task);
    return true;
  }

  boolean cancel() {
    Cancellation stop = null;
    synchronized (this) {
      if (state.isTerminal() || cancelRequested) {
        return false;
      }
      cancelRequested = true;
      if (active) {
        stop = task.cancellation();
      } else {
        moveTo(DownloadState.CANCELLED);
      }
    }
    if (stop != null) {
      stop.cancel();
    } else {
      task.engine().manager().queue().remove(task);
      task.finish(null, task.cancelled(null));
    }
    return true;
  }

  /** A run's thread is done: the download completed, failed, was cancelled, or paused (maybe to be queued again). */
  void runEnded(DownloadResult result, DownloadException failure) {
    DownloadState end = null;
    DownloadException error = failure;
    boolean requeue = false;
    synchronized (task) { // the ticker posts progress under the task's lock: none may follow the end
      synchronized (this) {
        active = false;
        if (result != null) {
          end = DownloadState.COMPLETED;
          task.postLastProgress();
        } else if (cancelRequested) {
          end = DownloadState.CANCELLED;
          error = task.cancelled(failure);
        } else if (pauseRequested) {
          requeue = resumeAfterPause;
          moveTo(requeue ? DownloadState.QUEUED : DownloadState.PAUSED);
        } else {
          end = DownloadState.FAILED;
        }
        if (end != null) {
          moveTo(end);
        }
      }
    }
    task.engine().manager().queue().released();
    if (requeue) {
      task.engine().manager().queue().offer(task);
    }
    if (end != null) {
      task.finish(result, error);
    }
  }

  private void moveTo(DownloadState next) {
    if (next != state) {
      DownloadState previous = state;
      state = next;
      events.stateChanged(next);
      if (next == DownloadState.PAUSED || (next == DownloadState.QUEUED && previous == DownloadState.PAUSED)) {
        task.engine().manager().journal().state(task.id(), next);
      }
    }
  }
}
