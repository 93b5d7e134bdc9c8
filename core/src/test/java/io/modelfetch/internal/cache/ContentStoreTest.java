package io.modelfetch.internal.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.modelfetch.internal.file.Checksums;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentStoreTest {
  @TempDir Path dir;

  @Test
  void producesStoredFileByHardLinkWithoutCopying() throws Exception {
    ContentStore store = new ContentStore(dir.resolve("cache"), 1 << 30);
    Path original = file("model.safetensors", 100_000, 1);
    String sha = sha256(original);
    store.insert(original, sha);

    Path dest = dir.resolve("elsewhere.safetensors");
    assertThat(store.materialize(sha, 100_000, dest)).isTrue();

    assertThat(Files.readAllBytes(dest)).isEqualTo(Files.readAllBytes(original));
    assertThat(Files.getAttribute(dest, "unix:ino")).isEqualTo(Files.getAttribute(original, "unix:ino"));
    assertThat(store.entries()).extracting(CacheEntry::sha256).containsExactly(sha);
  }

  @Test
  void missLeavesNothingAtTheDestination() throws Exception {
    ContentStore store = new ContentStore(dir.resolve("cache"), 1 << 30);
    Path dest = dir.resolve("x.bin");
    assertThat(store.materialize("a".repeat(64), 10, dest)).isFalse();
    assertThat(dest).doesNotExist();
  }

  @Test
  void wrongSizeIsAMiss() throws Exception {
    ContentStore store = new ContentStore(dir.resolve("cache"), 1 << 30);
    Path original = file("a.bin", 1000, 2);
    String sha = sha256(original);
    store.insert(original, sha);
    assertThat(store.contains(sha, 999)).isFalse();
    assertThat(store.contains(sha, 1000)).isTrue();
  }

  @Test
  void interruptedInsertIsNotVisibleAndTheNextInsertRepairsIt() throws Exception {
    ContentStore store = new ContentStore(dir.resolve("cache"), 1 << 30);
    Path original = file("a.bin", 5000, 3);
    String sha = sha256(original);
    CacheEntry entry = store.entry(sha);
    Files.createDirectories(entry.content().getParent());
    Files.write(entry.content(), new byte[2000]);  // content moved in, meta never written: a crash midway

    assertThat(store.contains(sha, 5000)).isFalse();
    assertThat(store.materialize(sha, 5000, dir.resolve("out"))).isFalse();

    store.insert(original, sha);
    assertThat(store.contains(sha, 5000)).isTrue();
    assertThat(Files.readAllBytes(entry.content())).isEqualTo(Files.readAllBytes(original));
  }

  @Test
  void fileChangedThroughASharedLinkIsDroppedOnLookup() throws Exception {
    ContentStore store = new ContentStore(dir.resolve("cache"), 1 << 30);
    Path original = file("a.bin", 5000, 4);
    String sha = sha256(original);
    store.insert(original, sha);

    // the user edits the downloaded file in place; the cache shares its bytes by hard link
    Files.write(original, new byte[] {1, 2, 3}, StandardOpenOption.APPEND);

    assertThat(store.contains(sha, 5000)).isFalse();
    assertThat(store.entries()).isEmpty();
  }

  @Test
  void verifyRemovesEntriesWhoseBytesNoLongerMatch() throws Exception {
    ContentStore store = new ContentStore(dir.resolve("cache"), 1 << 30);
    Path good = file("good.bin", 3000, 5);
    Path bad = file("bad.bin", 3000, 6);
    store.insert(good, sha256(good));
    store.insert(bad, sha256(bad));
    // same size, same mtime: only a re-hash can tell
    FileTime mtime = Files.getLastModifiedTime(bad);
    try (var ch = java.nio.channels.FileChannel.open(bad, StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(new byte[] {42}), 100);
    }
    Files.setLastModifiedTime(bad, mtime);
    assertThat(store.contains(sha256OfName(store, bad), 3000)).isTrue();

    VerifyReport report = store.verify(() -> false);

    assertThat(report.good()).isEqualTo(1);
    assertThat(report.removed()).isEqualTo(1);
    assertThat(store.entries()).hasSize(1);
  }

  @Test
  void evictsLeastRecentlyUsedBeyondTheLimit() throws Exception {
    ContentStore store = new ContentStore(dir.resolve("cache"), 2500);
    Path a = file("a", 1000, 7);
    Path b = file("b", 1000, 8);
    Path c = file("c", 1000, 9);
    store.insert(a, sha256(a));
    store.insert(b, sha256(b));
    setLastUsed(store, sha256(a), 3_000);
    setLastUsed(store, sha256(b), 1_000);
    assertThat(store.materialize(sha256(a), 1000, dir.resolve("a2"))).isTrue();  // a used again: now newest

    store.insert(c, sha256(c));

    assertThat(store.contains(sha256(b), 1000)).isFalse();
    assertThat(store.contains(sha256(a), 1000)).isTrue();
    assertThat(store.contains(sha256(c), 1000)).isTrue();
    assertThat(store.prune(0)).isEqualTo(2000);
    assertThat(store.entries()).isEmpty();
  }

  @Test
  void concurrentInsertsAndLookupsOfTheSameFileAgree() throws Exception {
    ContentStore store = new ContentStore(dir.resolve("cache"), 1 << 30);
    Path original = file("a.bin", 200_000, 10);
    String sha = sha256(original);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        Path copy = Files.copy(original, dir.resolve("copy" + i));
        Path out = dir.resolve("out" + i);
        results.add(pool.submit(() -> {
          store.insert(copy, sha);
          return store.materialize(sha, 200_000, out);
        }));
      }
      for (Future<Boolean> r : results) {
        assertThat(r.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
    for (int i = 0; i < 64; i++) {
      assertThat(sha256(dir.resolve("out" + i))).isEqualTo(sha);
    }
    assertThat(store.entries()).hasSize(1);
    assertThat(Files.list(store.root().resolve("tmp")).count()).isZero();
  }

  @Test
  void twoProcessesInsertingTheSameFileLeaveOneGoodEntry() throws Exception {
    Path cache = dir.resolve("cache");
    Path original = file("a.bin", 1 << 20, 11);
    String sha = sha256(original);
    List<Process> processes = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Path copy = Files.copy(original, dir.resolve("p" + i));
      processes.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), InsertMain.class.getName(), cache.toString(),
          copy.toString(), sha).inheritIO().start());
    }
    for (Process p : processes) {
      assertThat(p.waitFor()).isZero();
    }
    ContentStore store = new ContentStore(cache, 1 << 30);
    assertThat(store.entries()).hasSize(1);
    assertThat(store.verify(() -> false)).isEqualTo(new VerifyReport(1, 0));
  }

  @Test
  void copiesWhereHardLinksAreImpossible() throws Exception {
    Path shm = Path.of("/dev/shm");
    assumeThat(Files.isDirectory(shm) && !Files.getFileStore(shm).equals(Files.getFileStore(dir)))
        .as("needs a second file system (tmpfs at /dev/shm) to make hard links fail").isTrue();
    Path cacheDir = Files.createTempDirectory(shm, "modelfetch-cache-test");
    try {
      ContentStore store = new ContentStore(cacheDir, 1 << 30);
      Path original = file("a.bin", 50_000, 12);
      String sha = sha256(original);
      store.insert(original, sha);  // across file systems: copied in
      Path dest = dir.resolve("b.bin");
      assertThat(store.materialize(sha, 50_000, dest)).isTrue();  // and copied out

      assertThat(sha256(dest)).isEqualTo(sha);
      assertThat(Files.getAttribute(dest, "unix:ino")).isNotEqualTo(Files.getAttribute(original, "unix:ino"));
    } finally {
      new ContentStore(cacheDir, 1).prune(0);
    }
  }

  @Test
  void refusesToWriteThroughALinkPlantedAtTheDestination() throws Exception {
    ContentStore store = new ContentStore(dir.resolve("cache"), 1 << 30);
    Path original = file("a.bin", 1000, 13);
    String sha = sha256(original);
    store.insert(original, sha);
    Path outside = file("outside.txt", 10, 14);
    byte[] before = Files.readAllBytes(outside);
    Path dest = Files.createSymbolicLink(dir.resolve("planted"), outside);

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.materialize(sha, 1000, dest))
        .isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
    assertThat(Files.readAllBytes(outside)).isEqualTo(before);
  }

  /** Inserts one file into a cache from a separate process. */
  public static final class InsertMain {
    public static void main(String[] args) throws IOException {
      new ContentStore(Path.of(args[0]), 1L << 30).insert(Path.of(args[1]), args[2]);
    }
  }

  private static String sha256OfName(ContentStore store, Path file) throws IOException {
    return store.entries().stream().map(CacheEntry::sha256)
        .filter(s -> {
          try {
            return Files.isSameFile(store.entry(s).content(), file);
          } catch (IOException e) {
            return false;
          }
        }).findFirst().orElseThrow();
  }

  private static void setLastUsed(ContentStore store, String sha, long millis) throws IOException {
    Files.setLastModifiedTime(store.entry(sha).meta(), FileTime.fromMillis(millis));
  }

  private Path file(String name, int size, long seed) throws IOException {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return Files.write(dir.resolve(name), bytes);
  }

  private static String sha256(Path file) throws IOException {
    return Checksums.sha256(file, () -> false);
  }
}
