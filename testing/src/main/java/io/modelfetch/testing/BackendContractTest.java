package io.modelfetch.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadHandle;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadResult;
import io.modelfetch.Downloads;
import io.modelfetch.spi.DownloadBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link DownloadBackend} must do, run against the {@link FakeOrigin}. A backend's test
 * is a subclass of a few lines:
 *
 * <pre>{@code
 * class Aria2BackendContractTest extends BackendContractTest {
 *   @Override protected DownloadBackend newBackend() { return new Aria2Backend(); }
 * }
 * }</pre>
 */
public abstract class BackendContractTest {
  @TempDir
  protected Path dir;
  protected FakeOrigin origin;

  /** A fresh backend; it is registered on the builder and chosen for every request. */
  protected abstract DownloadBackend newBackend();

  /** The builder every test starts from; override to add backend options. */
  protected Downloads.Builder builder() {
    DownloadBackend backend = newBackend();
    return Downloads.builder()
        .backend(backend)
        .defaultBackend(backend.name())
        .discoverPlugins(false)
        .retries(3)
        .idleTimeout(Duration.ofSeconds(5));
  }

  @BeforeEach
  void startOrigin() throws Exception {
    origin = FakeOrigin.start();
  }

  @AfterEach
  void stopOrigin() {
    origin.close();
  }

  @Test
  void downloadsAFileByteIdenticalOverSeveralConnections() throws Exception {
    byte[] data = TestData.bytes(24 << 20, 1);
    origin.file("/model.safetensors", data).etag("\"v1\"");
    RecordingListener events = new RecordingListener();
    try (Downloads downloads = builder().listener(events).build()) {
      DownloadResult r = downloads.download(DownloadRequest.of(origin.url("/model.safetensors")).into(dir)
          .sha256(TestData.sha256(data)));
      assertThat(r.path()).isEqualTo(dir.resolve("model.safetensors"));
      assertThat(Files.readAllBytes(r.path())).isEqualTo(data);
      assertThat(r.file().sha256()).isEqualTo(TestData.sha256(data));
    }
    assertThat(origin.requests("/model.safetensors").stream().filter(q -> q.header("range").isPresent()).count())
        .as("ranged requests").isGreaterThan(2);
    assertThat(events.eventsWithoutProgress())
        .containsExactly("resolved", "started", "fileStarted", "verifying", "fileCompleted", "completed");
    assertThat(events.progress()).last().satisfies(p -> {
      assertThat(p.bytesDone()).isEqualTo(data.length);
      assertThat(p.totalBytes()).isEqualTo(data.length);
    });
    assertNoLeftovers("model.safetensors");
  }

  @Test
  void downloadsFromAServerThatIgnoresRanges() throws Exception {
    byte[] data = TestData.bytes(3 << 20, 2);
    origin.file("/plain.bin", data).ignoreRanges();
    try (Downloads downloads = builder().build()) {
      DownloadResult r = downloads.download(DownloadRequest.of(origin.url("/plain.bin")).into(dir));
      assertThat(Files.readAllBytes(r.path())).isEqualTo(data);
    }
    assertNoLeftovers("plain.bin");
  }

  @Test
  void checksumMismatchLeavesNothingAtTheFinalName() throws Exception {
    byte[] data = TestData.bytes(2 << 20, 3);
    origin.file("/bad.bin", data);
    String wrong = TestData.sha256(new byte[] {1});
    try (Downloads downloads = builder().build()) {
      assertThatThrownBy(() -> downloads.download(DownloadRequest.of(origin.url("/bad.bin")).into(dir).sha256(wrong)))
          .isInstanceOfSatisfying(DownloadException.class, e -> {
            assertThat(e.kind()).isEqualTo(DownloadException.Kind.CHECKSUM_MISMATCH);
            assertThat(e.getMessage()).contains(wrong).contains(TestData.sha256(data));
          });
    }
    assertThat(dir.resolve("bad.bin")).doesNotExist();
    assertThat(dir.resolve("bad.bin.part")).doesNotExist();
  }

  @Test
  void missingFileFailsAsNotFound() throws Exception {
    try (Downloads downloads = builder().build()) {
      assertThatThrownBy(() -> downloads.download(DownloadRequest.of(origin.url("/nope.bin")).into(dir)))
          .isInstanceOfSatisfying(DownloadException.class,
              e -> assertThat(e.kind()).isEqualTo(DownloadException.Kind.NOT_FOUND));
    }
    assertThat(dir.resolve("nope.bin")).doesNotExist();
  }

  @Test
  void cancelStopsPromptlyAndKeepsNothingAtTheFinalName() throws Exception {
    byte[] data = TestData.bytes(8 << 20, 4);
    origin.file("/slow.bin", data).throttle(256 * 1024);
    try (Downloads downloads = builder().build()) {
      DownloadHandle h = downloads.submit(DownloadRequest.of(origin.url("/slow.bin")).into(dir));
      waitUntil(() -> h.progress().bytesDone() > 0, 10_000);
      long t0 = System.nanoTime();
      assertThat(h.cancel()).isTrue();
      assertThatThrownBy(() -> h.result().get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(DownloadException.class)
          .satisfies(e -> assertThat(((DownloadException) e.getCause()).kind())
              .isEqualTo(DownloadException.Kind.CANCELLED));
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    }
    assertThat(dir.resolve("slow.bin")).doesNotExist();
  }

  @Test
  void aSecondDownloadOfACompleteFileTransfersNothing() throws Exception {
    byte[] data = TestData.bytes(2 << 20, 5);
    origin.file("/again.bin", data);
    try (Downloads downloads = builder().build()) {
      DownloadRequest request = DownloadRequest.of(origin.url("/again.bin")).into(dir).sha256(TestData.sha256(data));
      downloads.download(request);
      long served = origin.bodyBytesServed();
      DownloadResult second = downloads.download(request.size(data.length));
      assertThat(second.file().status()).isEqualTo(io.modelfetch.DownloadedFile.Status.ALREADY_PRESENT);
      // the server names the file (Content-Disposition), so one probe of bytes=0-0 is still asked
      assertThat(origin.bodyBytesServed()).isLessThanOrEqualTo(served + 1);
    }
  }

  /** No partial, state or lock file beside a completed download. */
  protected void assertNoLeftovers(String name) throws Exception {
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("files in the target folder").containsExactly(name);
    }
  }

  protected static void waitUntil(java.util.function.BooleanSupplier condition, long millis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + millis;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("condition not met within " + millis + " ms");
      }
      Thread.sleep(20);
    }
  }
}
