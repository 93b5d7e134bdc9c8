package io.modelfetch.internal;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadHandle;
import io.modelfetch.DownloadListener;
import io.modelfetch.DownloadResult;
import io.modelfetch.DownloadState;
import io.modelfetch.DownloadedFile;
import io.modelfetch.FileProgress;
import io.modelfetch.Progress;
import io.modelfetch.ResolvedFile;
import io.modelfetch.RetryInfo;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one download's events to its listeners, in order, one at a time, on a pool thread:
 * engine threads only enqueue, so a slow listener never slows a transfer and no callback runs
 * under an engine lock. A listener that throws is logged and skipped.
 */
final class Events {
  private static final Logger LOG = LoggerFactory.getLogger(Events.class);

  private final DownloadHandle handle;
  private final List<DownloadListener> listeners;
  private final Executor executor;
  private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
  private boolean draining;

  Events(DownloadHandle handle, List<DownloadListener> listeners, Executor executor) {
    this.handle = handle;
    this.listeners = List.copyOf(listeners);
    this.executor = executor;
  }

  void stateChanged(DownloadState state) {
    each(l -> l.onStateChanged(handle, state));
  }

  void resolved(List<ResolvedFile> files) {
    each(l -> l.onResolved(handle, files));
  }

  void started() {
    each(l -> l.onStarted(handle));
  }

  void fileStarted(Path target, long resumedBytes) {
    each(l -> l.onFileStarted(handle, target, resumedBytes));
  }

  void progress(Progress progress, List<FileProgress> files) {
    each(l -> {
      l.onProgress(handle, progress);
      l.onFileProgress(handle, files);
    });
  }

  void retrying(RetryInfo retry) {
    each(l -> l.onRetrying(handle, retry));
  }

  void restarted(Path target, String reason) {
    each(l -> l.onRestarted(handle, target, reason));
  }

  void verifying(Path target) {
    each(l -> l.onVerifying(handle, target));
  }

  void fileCompleted(DownloadedFile file) {
    each(l -> l.onFileCompleted(handle, file));
  }

  void notice(String message) {
    each(l -> l.onNotice(handle, message));
  }

  /** Delivers onCompleted, then runs {@code after} (completing the future) on the same thread. */
  void completed(DownloadResult result, Runnable after) {
    post(() -> {
      deliver(l -> l.onCompleted(handle, result));
      after.run();
    });
  }

  /** Delivers onFailed, then runs {@code after}. */
  void failed(DownloadException error, Runnable after) {
    post(() -> {
      deliver(l -> l.onFailed(handle, error));
      after.run();
    });
  }

  private void each(Consumer<DownloadListener> call) {
    post(() -> deliver(call));
  }

  private void deliver(Consumer<DownloadListener> call) {
    for (DownloadListener listener : listeners) {
      try {
        call.accept(listener);
      } catch (RuntimeException | Error e) {
        if (e instanceof VirtualMachineError) {
          throw e;
        }
        LOG.warn("listener {} threw; ignored so the download goes on", listener.getClass().getName(), e);
      }
    }
  }

  private void post(Runnable event) {
    boolean start;
    synchronized (queue) {
      queue.add(event);
      start = !draining;
      draining = true;
    }
    if (start) {
      executor.execute(this::drain);
    }
  }

  private void drain() {
    while (true) {
      Runnable next;
      synchronized (queue) {
        next = queue.poll();
        if (next == null) {
          draining = false;
          return;
        }
      }
      next.run();
    }
  }
}
