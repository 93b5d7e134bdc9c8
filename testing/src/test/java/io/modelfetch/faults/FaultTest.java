package io.modelfetch.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelfetch.Downloads;
import io.modelfetch.engine.EngineTestBase;
import io.modelfetch.internal.file.ControlFile;
import io.modelfetch.testing.RecordedRequest;
import io.modelfetch.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * What every fault test starts from: the engine tests' fresh fake origin and temporary
 * folder, an engine with short timeouts so a fault costs seconds, not minutes, and helpers to
 * look at requests, resume state and files.
 */
abstract class FaultTest extends EngineTestBase {
  static final int MIB = 1 << 20;

  /** The JDK engine alone, with no sidecars, few retries and a short idle timeout. */
  @Override
  protected Downloads.Builder builder() {
    return Downloads.builder()
        .defaultBackend("jdk")
        .discoverPlugins(false)
        .sidecars(false)
        .retries(3)
        .idleTimeout(Duration.ofSeconds(5));
  }

  /** The ranged requests for {@code path} after the first {@code skip} requests, the first-byte probes left out. */
  List<long[]> rangesAfter(String path, int skip) {
    return origin.requests().stream().skip(skip)
        .filter(r -> r.path().equals(path))
        .map(RecordedRequest::range).flatMap(Optional::stream)
        .filter(r -> !(r[0] == 0 && r[1] == 0))
        .toList();
  }

  /** The resume state beside {@code part}, as the engine would read it. */
  static ControlFile state(Path part) {
    return ControlFile.read(ControlFile.pathFor(part))
        .orElseThrow(() -> new AssertionError("no readable resume state beside " + part));
  }

  /** Completed bytes the resume state beside {@code part} records; 0 when there is none yet. */
  static long stateCovers(Path part) {
    return ControlFile.read(ControlFile.pathFor(part)).map(ControlFile::completedBytes).orElse(0L);
  }

  /** Whether the inclusive range {@code [first, last]} overlaps any of the half-open {@code ranges}. */
  static boolean overlaps(long[] inclusive, List<long[]> ranges) {
    long last = inclusive[1] < 0 ? Long.MAX_VALUE : inclusive[1];
    return ranges.stream().anyMatch(r -> inclusive[0] < r[1] && r[0] <= last);
  }

  /** Compares by SHA-256, so a failure prints two hashes instead of megabytes of bytes. */
  static void assertSameContent(Path file, byte[] expected) throws Exception {
    assertThat(file).exists();
    assertThat(TestData.sha256(Files.readAllBytes(file))).as("SHA-256 of %s", file)
        .isEqualTo(TestData.sha256(expected));
  }

  static List<String> namesIn(Path folder) throws Exception {
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  static void waitUntil(BooleanSupplier condition, long millis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + millis;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("condition not met within " + millis + " ms");
      }
      Thread.sleep(20);
    }
  }
}
