package io.modelfetch.huggingface;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.spi.RemoteFile;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A whole repository, or one folder of it, pinned to one commit: the revision's commit, the
 * recursive listing at that commit, the include/exclude filter, then one metadata request per
 * file that is not already in place. Those requests run a few at a time, as huggingface_hub's
 * snapshot_download does, because a repository can hold hundreds of files.
 */
final class Snapshot {
  private static final int PARALLEL_REQUESTS = 8;

  private final HubClient hub;
  private final RemoteFiles files;
  private final HubLocation repo;

  Snapshot(HubClient hub, RemoteFiles files, HubLocation repo) {
    this.hub = hub;
    this.files = files;
    this.repo = repo;
  }

  List<RemoteFile> resolve(String revision, PathFilter filter) throws DownloadException {
    String commit = HubIds.isCommitHash(revision) ? revision : hub.commit(revision);
    List<TreeEntry> listed = hub.listFiles(commit, repo.path());
    List<TreeEntry> wanted = listed.stream().filter(e -> filter.accepts(e.path())).toList();
    if (wanted.isEmpty()) {
      String where = repo.displayName() + (repo.path() == null ? "" : "/" + repo.path()) + " at '" + revision + "'";
      throw new DownloadException(Kind.NOT_FOUND, listed.isEmpty() ? "there are no files in " + where
          : "none of the " + listed.size() + " files in " + where + " matches " + filter
              + "; patterns match the whole path and '*' also matches '/', e.g. '*.safetensors' or 'unet/*'");
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLEL_REQUESTS, wanted.size()), r -> {
      Thread t = new Thread(r, "modelfetch-huggingface-metadata");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<RemoteFile>> pending = new ArrayList<>();
      for (TreeEntry entry : wanted) {
        pending.add(pool.submit(() -> files.isPresent(entry, commit) ? files.fromListing(entry, commit)
            : files.fromMetadata(entry.path(), hub.fileMetadata(commit, entry.path()), commit, false)));
      }
      List<RemoteFile> resolved = new ArrayList<>();
      for (Future<RemoteFile> f : pending) {
        resolved.add(f.get());
      }
      return resolved;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof DownloadException) {
        throw (DownloadException) e.getCause();
      }
      throw new DownloadException(Kind.UNEXPECTED_RESPONSE, "resolving the files of " + repo.displayName()
          + " failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DownloadException(Kind.CANCELLED, "cancelled while resolving the files of " + repo.displayName());
    } finally {
      pool.shutdownNow();
    }
  }
}
