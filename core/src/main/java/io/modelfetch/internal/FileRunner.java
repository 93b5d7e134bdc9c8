package io.modelfetch.internal;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.DownloadState;
import io.modelfetch.DownloadedFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Runs the files of one download run: at most {@code maxConcurrentFiles} at once, each to its
 * end, then reports every failure together. Files finished by an earlier run (before a pause) are
 * not run again.
 */
final class FileRunner {
  private FileRunner() {
  }

  static List<DownloadedFile> run(DownloadTask task, List<FileJob> all, Map<FileJob, DownloadedFile> finished)
      throws DownloadException {
    if (all.size() == 1 && !finished.containsKey(all.get(0))) {
      return List.of(runOne(all.get(0), finished));
    }
    Semaphore concurrent = new Semaphore(task.engine().config().maxConcurrentFiles());
    List<Future<DownloadedFile>> futures = new ArrayList<>();
    for (FileJob job : all) {
      DownloadedFile earlier = finished.get(job);
      if (earlier != null) {
        futures.add(java.util.concurrent.CompletableFuture.completedFuture(earlier));
        continue;
      }
      futures.add(task.engine().workers().submit(() -> {
        concurrent.acquire();
        try {
          return runOne(job, finished);
        } finally {
          concurrent.release();
        }
      }));
    }
    List<DownloadedFile> results = new ArrayList<>();
    List<DownloadException> failures = new ArrayList<>();
    for (Future<DownloadedFile> f : futures) {
      try {
        results.add(f.get());
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        failures.add(cause instanceof DownloadException ? (DownloadException) cause
            : new DownloadException(Kind.LOCAL_IO, "unexpected failure: " + cause, cause));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        task.cancel();
        failures.add(new DownloadException(Kind.CANCELLED, "interrupted"));
      }
    }
    if (failures.isEmpty()) {
      return results;
    }
    task.checkNotCancelled();
    DownloadException first = failures.get(0);
    DownloadException summary = new DownloadException(first.kind(), failures.size() + " of " + all.size()
        + " files failed; first: " + first.getMessage() + (results.isEmpty() ? "" : "; the other "
        + results.size() + " are in place, and running the same request again fetches only what is missing"), first);
    failures.stream().skip(1).forEach(summary::addSuppressed);
    throw summary;
  }

  private static DownloadedFile runOne(FileJob job, Map<FileJob, DownloadedFile> finished) throws DownloadException {
    try {
      DownloadedFile done = job.run();
      finished.put(job, done);
      return done;
    } catch (DownloadException | RuntimeException e) {
      job.state(DownloadState.FAILED);
      throw e;
    }
  }
}
