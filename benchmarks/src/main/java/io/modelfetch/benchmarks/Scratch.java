package io.modelfetch.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A folder of its own under a base folder (a tmpfs such as {@code /dev/shm} by default, so the
 * benchmark measures the download and not the disk), emptied between operations so every
 * operation downloads again.
 */
final class Scratch implements AutoCloseable {
  private final Path dir;

  private Scratch(Path dir) {
    this.dir = dir;
  }

  static Scratch under(String base) throws IOException {
    Path parent = Path.of(base);
    if (!Files.isDirectory(parent)) {
      throw new IOException("benchmark folder " + base + " does not exist; pass -p directory=/some/tmpfs");
    }
    return new Scratch(Files.createTempDirectory(parent, "modelfetch-bench-"));
  }

  Path path() {
    return dir;
  }

  /** Deletes everything inside, keeping the folder. */
  void clear() {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(dir)).forEach(Scratch::delete);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    clear();
    delete(dir);
  }

  private static void delete(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
