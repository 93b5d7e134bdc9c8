package io.modelfetch.internal.cache;

import io.modelfetch.internal.file.Checksums;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * Verified files stored by their SHA-256, shared by every download, process and machine that points
 * at the same folder (a network file system works: nothing depends on memory or on file locks).
 *
 * <pre>
 * ROOT/objects/ab/abcdef…   the bytes of the file whose SHA-256 is abcdef…
 * ROOT/objects/ab/abcdef….meta   "size mtime": what the bytes looked like when stored; the meta
 *                                file's own modification time is the entry's last use
 * ROOT/tmp/                 inserts in progress
 * </pre>
 *
 * <p>An entry becomes visible in two atomic steps, content then meta; a lookup needs both, so an
 * interrupted insert leaves nothing half-visible. Entries are produced into targets by hard link
 * (zero copies), else copied. Since a hard link shares the bytes with a user's file, every lookup
 * re-checks the size and modification time recorded at insert (cheap); {@link #verify} re-hashes.
 */
public final class ContentStore {
  private final Path root;
  private final long maxBytes;

  public ContentStore(Path root, long maxBytes) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("cache size limit must be positive, was " + maxBytes);
    }
    this.root = root.toAbsolutePath().normalize();
    this.maxBytes = maxBytes;
  }

  public Path root() {
    return root;
  }

  public long maxBytes() {
    return maxBytes;
  }

  /** Whether a valid entry for these bytes exists; an entry changed since it was stored is removed. */
  public boolean contains(String sha256, long size) {
    return valid(entry(sha256), size);
  }

  /**
   * Produces {@code dest} (which must not exist) with the stored bytes: a hard link where the file
   * system allows one, else a copy. Returns false, and leaves nothing at {@code dest}, on a miss.
   */
  public boolean materialize(String sha256, long size, Path dest) throws IOException {
    CacheEntry entry = entry(sha256);
    if (!valid(entry, size)) {
      return false;
    }
    try {
      Files.createLink(dest, entry.content());
    } catch (NoSuchFileException e) {
      return false;  // evicted between the check and the link
    } catch (FileAlreadyExistsException e) {
      throw e;
    } catch (IOException | UnsupportedOperationException e) {
      if (!copy(entry.content(), dest)) {
        return false;
      }
    }
    touch(entry);
    return true;
  }

  /**
   * Stores a complete, verified file under its SHA-256 (a hard link to it where possible, else a
   * copy), then evicts the least recently used entries beyond the size limit.
   */
  public void insert(Path file, String sha256) throws IOException {
    CacheEntry entry = entry(sha256);
    long size = Files.size(file);
    if (valid(entry, size)) {
      touch(entry);
      return;
    }
    Files.createDirectories(entry.content().getParent());
    Path tmpDir = Files.createDirectories(root.resolve("tmp"));
    Path tmp = tmpDir.resolve(System.currentTimeMillis() + "-" + UUID.randomUUID() + ".tmp");
    try {
      try {
        Files.createLink(tmp, file);
      } catch (IOException | UnsupportedOperationException e) {
        if (!copy(file, tmp)) {
          return;
        }
      }
      try {
        Files.createLink(entry.content(), tmp);
      } catch (FileAlreadyExistsException e) {
        // Stored concurrently by another download, or left without its meta by an interrupted insert:
        // content only ever appears whole (linked from a complete file), so the same size means the
        // same bytes. The content is never replaced, so a meta written beside it always describes it.
        if (Files.size(entry.content()) != size) {
          entry.remove();
          Files.createLink(entry.content(), tmp);
        }
      }
      writeMeta(entry);
    } finally {
      Files.deleteIfExists(tmp);
    }
    new Eviction(this).run(maxBytes);
  }

  /** Re-hashes every entry, removing those whose bytes no longer match their name. */
  public VerifyReport verify(BooleanSupplier cancelled) throws IOException {
    int good = 0;
    int removed = 0;
    for (CacheEntry entry : entries()) {
      String actual;
      try {
        actual = Checksums.sha256(entry.content(), cancelled);
      } catch (NoSuchFileException e) {
        continue;
      }
      if (actual.equals(entry.sha256())) {
        good++;
      } else {
        entry.remove();
        removed++;
      }
    }
    return new VerifyReport(good, removed);
  }

  /** Every complete entry, oldest use first. */
  public List<CacheEntry> entries() throws IOException {
    return new Eviction(this).entries();
  }

  /** Removes least recently used entries until the store holds at most {@code limit} bytes. */
  public long prune(long limit) throws IOException {
    return new Eviction(this).run(limit);
  }

  CacheEntry entry(String sha256) {
    if (!isSha256(sha256)) {
      throw new IllegalArgumentException("not a SHA-256: " + sha256);
    }
    String hex = sha256.toLowerCase(Locale.ROOT);
    Path content = root.resolve("objects").resolve(hex.substring(0, 2)).resolve(hex);
    return new CacheEntry(hex, content, content.resolveSibling(hex + ".meta"));
  }

  static boolean isSha256(String s) {
    return s.length() == 64 && s.chars().allMatch(c -> Character.digit(c, 16) >= 0);
  }

  /** An entry is valid when its content and meta exist and the content is as it was stored. */
  private static boolean valid(CacheEntry entry, long size) {
    try {
      String[] meta = Files.readString(entry.meta(), StandardCharsets.US_ASCII).trim().split(" ");
      long storedSize = Long.parseLong(meta[0]);
      long storedMtime = Long.parseLong(meta[1]);
      long actualSize = Files.size(entry.content());
      long actualMtime = Files.getLastModifiedTime(entry.content(), LinkOption.NOFOLLOW_LINKS).toMillis();
      if (!Files.isRegularFile(entry.content(), LinkOption.NOFOLLOW_LINKS)
          || actualSize != storedSize || actualMtime != storedMtime) {
        entry.remove();
        return false;
      }
      return size < 0 || actualSize == size;
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException | RuntimeException e) {
      entry.remove();
      return false;
    }
  }

  private static void writeMeta(CacheEntry entry) throws IOException {
    long size = Files.size(entry.content());
    long mtime = Files.getLastModifiedTime(entry.content(), LinkOption.NOFOLLOW_LINKS).toMillis();
    Path tmp = entry.meta().resolveSibling(entry.sha256() + "." + UUID.randomUUID() + ".tmp");
    Files.writeString(tmp, size + " " + mtime + "\n", StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW);
    Files.move(tmp, entry.meta(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static void touch(CacheEntry entry) {
    try {
      Files.setLastModifiedTime(entry.meta(), FileTime.fromMillis(System.currentTimeMillis()));
    } catch (IOException e) {
      // a read-only shared cache still serves hits; only the eviction order suffers
    }
  }

  /** Copies into a new file (never through a link planted at {@code to}) and forces it to disk. */
  private static boolean copy(Path from, Path to) throws IOException {
    FileChannel in;
    try {
      in = FileChannel.open(from, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      return false;
    }
    try (in; FileChannel out = FileChannel.open(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
        LinkOption.NOFOLLOW_LINKS)) {
      long size = in.size();
      long pos = 0;
      while (pos < size) {
        pos += in.transferTo(pos, size - pos, out);
      }
      out.force(true);
      return true;
    }
  }
}
