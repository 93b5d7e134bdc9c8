package io.modelfetch.internal.cache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One stored file: its SHA-256, where its bytes are, and its meta file (the last use is its mtime). */
public record CacheEntry(String sha256, Path content, Path meta) {

  /** The stored size, or -1 when the entry vanished. */
  public long size() {
    try {
      return Files.size(content);
    } catch (IOException e) {
      return -1;
    }
  }

  /** When the entry was last produced or stored, in milliseconds since the epoch; 0 when it vanished. */
  public long lastUsed() {
    try {
      return Files.getLastModifiedTime(meta).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }

  /** Meta first, so that a concurrent lookup sees a miss rather than bytes without a record. */
  void remove() {
    try {
      Files.deleteIfExists(meta);
      Files.deleteIfExists(content);
    } catch (IOException e) {
      // a read-only or vanished entry: the next lookup checks again
    }
  }
}
