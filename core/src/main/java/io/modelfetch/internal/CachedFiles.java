package io.modelfetch.internal;

import io.modelfetch.internal.cache.ContentStore;
import io.modelfetch.internal.file.FileErrors;
import io.modelfetch.internal.file.NoFollowFiles;
import io.modelfetch.spi.RemoteFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The content cache as one file's download sees it: a file whose SHA-256 the source published is
 * produced from the cache with no request to its server, and a verified download of such a file is
 * stored for the next one. Without a cache configured every lookup misses. A failing cache never
 * fails a download: it is told in a notice, and the file is downloaded as usual.
 */
final class CachedFiles {
  private static final Logger LOG = LoggerFactory.getLogger(CachedFiles.class);

  private final ContentStore store;

  CachedFiles(ContentStore store) {
    this.store = store;
  }

  /**
   * Whether the cache holds these bytes: only files with a known SHA-256 can be looked up; a size
   * of -1 (not known before the first request) matches the stored file's.
   */
  boolean has(RemoteFile file, long size) {
    return store != null && file.sha256().isPresent() && store.contains(file.sha256().get(), size);
  }

  /**
   * Produces {@code target} from the cache (a hard link, else a copy, beside it first and then
   * renamed into place, so the final name never shows a partial file). Called under the target's
   * lock. Returns false when the entry vanished since {@link #has}, or the cache cannot be read.
   */
  boolean produce(RemoteFile file, long size, Path target, DownloadTask task) {
    Path temp = target.resolveSibling(target.getFileName() + ".part.cache");
    try {
      Files.deleteIfExists(temp); // left by a crash; deleting a planted link removes only the link
      if (!store.materialize(file.sha256().orElseThrow(), size, temp)) {
        return false;
      }
      NoFollowFiles.moveReplacing(temp, target);
      return true;
    } catch (IOException e) {
      task.notice("the content cache at " + store.root() + " could not produce " + target.getFileName() + " ("
          + FileErrors.cause(e) + "); downloading it instead");
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // the next run deletes it
      }
      return false;
    }
  }

  /** Stores a verified file whose SHA-256 the source published (the only ones a later lookup can find). */
  void store(RemoteFile file, Path finished, String sha256, DownloadTask task) {
    if (store == null || sha256 == null || file.sha256().isEmpty()) {
      return;
    }
    try {
      store.insert(finished.toRealPath(), sha256);
    } catch (IOException e) {
      task.notice("could not store " + finished.getFileName() + " in the content cache at " + store.root() + ": "
          + FileErrors.cause(e));
      LOG.debug("content cache insert failed", e);
    }
  }
}
