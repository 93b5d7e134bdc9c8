package io.modelfetch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelfetch.testing.FakeOrigin;
import io.modelfetch.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code modelfetch} processes asked for the same file into the same folder at once: the
 * target's lock file makes one wait for the other, so the file is fetched once and ends correct.
 */
class ConcurrentProcessesTest {
  private static final int MIB = 1 << 20;

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
  void twoProcessesDownloadingOneTargetFetchItOnce() throws Exception {
    byte[] data = TestData.bytes(8 * MIB, 2025);
    String sha256 = TestData.sha256(data);
    origin.file("/model.safetensors", data).etag("\"v1\"").throttle(MIB);
    Path out = dir.resolve("models");
    String[] args = {origin.url("/model.safetensors"), "-o", out.toString(), "-q", "-x", "4", "--backend", "jdk",
        "--sha256", sha256};

    CliProcess first = CliProcess.start(dir.resolve("first.log"), args);
    CliProcess second = CliProcess.start(dir.resolve("second.log"), args);
    assertThat(first.await(60)).as("first exit code; output: %s", first.output()).isZero();
    assertThat(second.await(60)).as("second exit code; output: %s", second.output()).isZero();

    assertThat(TestData.sha256(Files.readAllBytes(out.resolve("model.safetensors")))).isEqualTo(sha256);
    try (Stream<Path> files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("model.safetensors");
    }
    // one transfer and two one-byte probes; a second transfer would add up to 8 MiB
    assertThat(origin.bodyBytesServed()).isLessThanOrEqualTo(data.length + 2 + 256 * 1024);
  }

  /** Different files of the same size for one name, no hash known: one process wins, the other is told the name is taken. */
  @Test
  void twoProcessesFetchingDifferentSameSizeFilesIntoOneNameDoNotBothSucceed() throws Exception {
    byte[] a = TestData.bytes(4 * MIB, 2026);
    byte[] b = TestData.bytes(4 * MIB, 2027);
    origin.file("/a/model.bin", a).etag("\"a\"").throttle(MIB);
    origin.file("/b/model.bin", b).etag("\"b\"").throttle(MIB);
    Path out = dir.resolve("models");
    CliProcess first = CliProcess.start(dir.resolve("first.log"), origin.url("/a/model.bin"), "-o", out.toString(),
        "-q", "-x", "4", "--backend", "jdk");
    CliProcess second = CliProcess.start(dir.resolve("second.log"), origin.url("/b/model.bin"), "-o", out.toString(),
        "-q", "-x", "4", "--backend", "jdk");
    int one = first.await(60);
    int two = second.await(60);
    assertThat(new int[] {one, two}).as("exit codes; outputs: %s / %s", first.output(), second.output())
        .containsExactlyInAnyOrder(0, 9);
    byte[] saved = Files.readAllBytes(out.resolve("model.bin"));
    assertThat(saved).isEqualTo(one == 0 ? a : b);
  }
}
