package io.modelfetch.aria2;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelfetch.DownloadHandle;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadResult;
import io.modelfetch.DownloadState;
import io.modelfetch.DownloadedFile;
import io.modelfetch.Downloads;
import io.modelfetch.testing.FakeOrigin;
import io.modelfetch.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The download manager on the aria2 backend, with a real aria2c: pause stops aria2's download and
 * resume continues from its control file; the rate limits map onto aria2's
 * {@code max-download-limit} and {@code max-overall-download-limit}, also when changed while running.
 */
class Aria2ManagerTest {
  private static final int MIB = 1 << 20;

  @TempDir
  Path dir;
  private FakeOrigin origin;

  @BeforeEach
  void requireAria2c() throws Exception {
    RealAria2c.require();
    origin = FakeOrigin.start();
  }

  @AfterEach
  void stopOrigin() {
    if (origin != null) {
      origin.close();
    }
  }

  private static Downloads.Builder aria2() {
    return Downloads.builder().backend(new Aria2Backend()).defaultBackend(Aria2Backend.NAME)
        .discoverPlugins(false).retries(3).idleTimeout(Duration.ofSeconds(5));
  }

  @Test
  void pauseStopsAria2AndResumeContinuesFromItsControlFile() throws Exception {
    byte[] data = TestData.bytes(8 * MIB, 21);
    origin.file("/big.bin", data).etag("\"v1\"").throttle(512 * 1024);
    try (Downloads downloads = aria2().connectionsPerFile(4).build()) {
      DownloadHandle h = downloads.submit(DownloadRequest.of(origin.url("/big.bin")).into(dir));
      waitUntil(() -> h.progress().bytesDone() > 2 * MIB);
      assertThat(h.pause()).isTrue();
      waitUntil(() -> h.state() == DownloadState.PAUSED);
      assertThat(dir.resolve("big.bin.part.aria2")).exists();
      Thread.sleep(300); // the origin counts what it pushed into socket buffers until it sees the close
      long served = origin.bodyBytesServed();
      Thread.sleep(700);
      assertThat(origin.bodyBytesServed()).as("bytes served while paused").isEqualTo(served);

      assertThat(h.resume()).isTrue();
      DownloadResult r = h.result().join();
      assertThat(r.file().status()).isEqualTo(DownloadedFile.Status.RESUMED);
      assertThat(TestData.sha256(Files.readAllBytes(r.path()))).isEqualTo(TestData.sha256(data));
    }
    // aria2's first request after the resume has no Range: what the origin pushed into socket buffers counts
    assertThat(origin.bodyBytesServed()).as("bytes served in all").isLessThan(data.length * 3L / 2);
  }

  @Test
  void rateLimitsMapOntoAria2AndFollowChangesWhileRunning() throws Exception {
    origin.file("/m.bin", TestData.bytes(40 * MIB, 22)).etag("\"v1\"");
    try (Downloads downloads = aria2().connectionsPerFile(4).build()) {
      DownloadHandle h = downloads.submit(DownloadRequest.of(origin.url("/m.bin")).into(dir).bytesPerSecond(MIB));
      waitUntil(() -> h.progress().bytesDone() > 0);
      Thread.sleep(1500); // aria2's limiter settles over its first second or so
      assertThat(rate(h) / MIB).as("MiB/s under the download's 1 MiB/s").isBetween(0.75, 1.25);
      h.bytesPerSecond(0);
      downloads.limits(downloads.limits().withBytesPerSecond(3L * MIB));
      Thread.sleep(1500);
      assertThat(rate(h) / MIB).as("MiB/s under the total 3 MiB/s").isBetween(2.25, 3.75);
      downloads.limits(downloads.limits().withBytesPerSecond(0));
      assertThat(h.result().join().file().size()).isEqualTo(40L * MIB);
    }
  }

  /** Bytes per second over the next three seconds. */
  private static double rate(DownloadHandle h) throws InterruptedException {
    long t0 = System.nanoTime();
    long b0 = h.progress().bytesDone();
    Thread.sleep(3000);
    return (h.progress().bytesDone() - b0) / ((System.nanoTime() - t0) / 1e9);
  }

  private static void waitUntil(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(20);
    }
  }
}
