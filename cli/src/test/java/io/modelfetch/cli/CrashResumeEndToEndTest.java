package io.modelfetch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelfetch.internal.file.ControlFile;
import io.modelfetch.testing.FakeOrigin;
import io.modelfetch.testing.RecordedRequest;
import io.modelfetch.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole program, killed with SIGKILL in the middle of a download and run again: the file ends
 * byte-identical, and the origin serves little more than the file once.
 *
 * <p>The bound asserted: at most {@code max(4, connections) x 2 MiB} (the engine checkpoints its
 * resume state whenever that much was written since the last checkpoint, and every second) plus
 * {@link #ORIGIN_SLACK}. The download is killed only after its resume state covers more than
 * that window, so a resume that fetched everything again could not pass.
 */
class CrashResumeEndToEndTest {
  private static final int MIB = 1 << 20;
  private static final int CONNECTIONS = 4;
  /** The engine's crash window for these settings: {@code SegmentedTransfer.WINDOW_PER_CONNECTION x max(4, N)}. */
  private static final long WINDOW = 2L * MIB * Math.max(4, CONNECTIONS);
  /**
   * Bytes the origin counts as served that no client could use: what it wrote into the killed
   * process's sockets before noticing they were gone (a 32 KiB throttle slice or two each), and
   * the tails of ranges cut short by work stealing. Two probes of one byte each.
   */
  private static final long ORIGIN_SLACK = 512 * 1024;

  @TempDir
  Path dir;
  private FakeOrigin origin;

  @BeforeEach
  void startOrigin() throws Exception {
    origin = FakeOrigin.start();
  }

  @AfterEach
  void stopOrigin() {
    origin.close();
  }

  @Test
  void aDownloadKilledMidwayResumesAndFetchesOnlyWhatWasMissing() throws Exception {
    byte[] data = TestData.bytes(16 * MIB, 2024);
    String sha256 = TestData.sha256(data);
    origin.file("/model.safetensors", data).etag("\"v1\"").throttle(768 * 1024);
    Path out = dir.resolve("models");
    Path part = out.resolve("model.safetensors.part");
    String[] args = {origin.url("/model.safetensors"), "-o", out.toString(), "-q", "-x", String.valueOf(CONNECTIONS),
        "--backend", "jdk", "--sha256", sha256};

    CliProcess first = CliProcess.start(dir.resolve("first.log"), args);
    long deadline = System.currentTimeMillis() + 60_000;
    while (covered(part) <= WINDOW + 4L * MIB) {
      assertThat(first.isAlive()).as("the first run is still going; its output: %s", first.output()).isTrue();
      assertThat(System.currentTimeMillis()).as("waiting for the resume state to cover the window")
          .isLessThan(deadline);
      Thread.sleep(50);
    }
    // a checkpoint was just written; kill shortly before the next one is due (one a second), the worst moment
    Thread.sleep(900);
    first.kill();
    long servedBeforeKill = origin.bodyBytesServed();
    ControlFile atKill = ControlFile.read(ControlFile.pathFor(part)).orElseThrow();
    assertThat(out.resolve("model.safetensors")).doesNotExist();
    int requestsBefore = origin.requests().size();

    origin.file("/model.safetensors", data).etag("\"v1\"").throttle(4 * MIB);
    CliProcess second = CliProcess.start(dir.resolve("second.log"), args);
    assertThat(second.await(60)).as("exit code; output: %s", second.output()).isZero();

    assertThat(TestData.sha256(Files.readAllBytes(out.resolve("model.safetensors")))).isEqualTo(sha256);
    assertThat(names(out)).containsExactly("model.safetensors");
    List<long[]> refetched = origin.requests().stream().skip(requestsBefore).map(RecordedRequest::range)
        .flatMap(Optional::stream).filter(r -> r[1] != 0).toList();
    assertThat(refetched).as("ranges fetched after the kill").isNotEmpty()
        .noneMatch(r -> atKill.ranges().stream().anyMatch(k -> r[0] < k[1] && k[0] <= r[1]));

    long served = origin.bodyBytesServed();
    long lost = served - data.length;
    System.out.printf("SIGKILL after %d bytes served, %d recorded in the resume state; total served %d for a %d-byte"
        + " file: %d bytes (%.2f MiB) fetched twice; bound %d%n", servedBeforeKill, atKill.completedBytes(), served,
        data.length, lost, lost / (double) MIB, WINDOW + ORIGIN_SLACK);
    assertThat(served).as("bytes served in total").isLessThanOrEqualTo(data.length + WINDOW + ORIGIN_SLACK);
  }

  private static long covered(Path part) {
    return ControlFile.read(ControlFile.pathFor(part)).map(ControlFile::completedBytes).orElse(0L);
  }

  private static List<String> names(Path folder) throws Exception {
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
