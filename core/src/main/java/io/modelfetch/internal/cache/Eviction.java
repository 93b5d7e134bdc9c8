package io.modelfetch.internal.cache;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Least-recently-used eviction, and the removal of what interrupted inserts left behind. One
 * process evicts at a time ({@code ROOT/evict.lock}); another that finds it busy skips, since the
 * running eviction already brings the store under its limit.
 */
final class Eviction {
  /** Inserts older than this are dead: an insert takes as long as one copy of one file. */
  private static final long STALE_MILLIS = TimeUnit.HOURS.toMillis(6);

  private final ContentStore store;

  Eviction(ContentStore store) {
    this.store = store;
  }

  /** Evicts down to {@code limit} bytes; returns the bytes removed. */
  long run(long limit) throws IOException {
    Path lockFile = store.root().resolve("evict.lock");
    Files.createDirectories(store.root());
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        return 0;
      }
      removeStaleInserts();
      List<CacheEntry> entries = entries();
      long total = 0;
      for (CacheEntry entry : entries) {
        total += Math.max(0, entry.size());
      }
      long removed = 0;
      for (CacheEntry entry : entries) {
        if (total - removed <= limit) {
          break;
        }
        long size = Math.max(0, entry.size());
        entry.remove();
        removed += size;
      }
      return removed;
    }
  }

  /** Every entry with both its content and its meta, least recently used first. */
  List<CacheEntry> entries() throws IOException {
    Path objects = store.root().resolve("objects");
    List<CacheEntry> entries = new ArrayList<>();
    if (!Files.isDirectory(objects)) {
      return entries;
    }
    try (DirectoryStream<Path> prefixes = Files.newDirectoryStream(objects)) {
      for (Path prefix : prefixes) {
        try (DirectoryStream<Path> metas = Files.newDirectoryStream(prefix, "*.meta")) {
          for (Path meta : metas) {
            String name = meta.getFileName().toString();
            String sha256 = name.substring(0, name.length() - ".meta".length());
            if (ContentStore.isSha256(sha256)) {
              CacheEntry entry = store.entry(sha256);
              if (Files.exists(entry.content())) {
                entries.add(entry);
              }
            }
          }
        }
      }
    }
    entries.sort(Comparator.comparingLong(CacheEntry::lastUsed));
    return entries;
  }

  private void removeStaleInserts() throws IOException {
    Path tmp = store.root().resolve("tmp");
    if (!Files.isDirectory(tmp)) {
      return;
    }
    long now = System.currentTimeMillis();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(tmp)) {
      for (Path file : files) {
        // the name starts with the insert's start time: a linked file keeps its source's mtime
        String name = file.getFileName().toString();
        int dash = name.indexOf('-');
        long started = dash > 0 && name.substring(0, dash).chars().allMatch(Character::isDigit)
            ? Long.parseLong(name.substring(0, dash)) : 0;
        if (now - started > STALE_MILLIS) {
          Files.deleteIfExists(file);
        }
      }
    }
  }
}
