package io.modelfetch.internal;

import io.modelfetch.DownloadState;
import io.modelfetch.FileProgress;
import io.modelfetch.Progress;
import java.util.ArrayList;
import java.util.List;

/** Progress figures of a download's files, summed for the whole and listed per file. */
final class Snapshots {
  private Snapshots() {
  }

  static Progress progress(List<FileJob> jobs, long bytesPerSecond, int connections) {
    long done = 0;
    long total = jobs.isEmpty() ? -1 : 0;
    int filesDone = 0;
    for (FileJob job : jobs) {
      done += job.bytesDone();
      long size = job.size();
      total = total < 0 || size < 0 ? -1 : total + size;
      if (job.isFinished()) {
        filesDone++;
      }
    }
    return new Progress(done, total, bytesPerSecond, connections, filesDone, jobs.size());
  }

  /** Each file; one not yet finished shows its download's state when that is paused or ended. */
  static List<FileProgress> files(List<FileJob> jobs, DownloadState download) {
    List<FileProgress> files = new ArrayList<>(jobs.size());
    for (FileJob job : jobs) {
      DownloadState s = job.state();
      if (s != DownloadState.COMPLETED && (download == DownloadState.PAUSED || download == DownloadState.CANCELLED)) {
        s = download;
      }
      files.add(new FileProgress(job.name(), job.bytesDone(), job.size(), s));
    }
    return files;
  }
}
